import Synchronization

/// A count kept by one event loop: only that loop adds to it, any thread may read it.
///
/// With a single writer an addition needs no read-modify-write instruction: a relaxed load and a
/// relaxed store (plain moves on x86-64 and arm64) cannot lose an update, and the cache line stays
/// on the writer's core, where a counter that every loop adds to moves between cores on each
/// request. A reader (the scrape) sees a value at most a few additions old.
public final class LoopCounter: Sendable {
    @usableFromInline let count = Atomic<Int>(0)

    public init() {}

    /// Adds `amount`. Only the owning event loop calls this.
    @inlinable
    public func increment(by amount: Int = 1) {
        self.count.store(self.count.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    /// The count now, from any thread.
    public var value: Int {
        self.count.load(ordering: .relaxed)
    }
}
