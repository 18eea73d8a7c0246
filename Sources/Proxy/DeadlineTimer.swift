import NIOCore

/// A timeout re-armed on every request without scheduling a task each time: it keeps a deadline
/// and at most one scheduled task; a task that fires before the (moved) deadline reschedules
/// itself for the remainder. Used on the event loop of its channel only.
final class DeadlineTimer {
    private let eventLoop: EventLoop
    /// Dropped by ``cancel()``: the closure may hold its owner strongly (a weak reference would
    /// move the owner's reference counts to the runtime's slower side table for good), and the
    /// owner cancels when it goes away, which ends the cycle.
    private var onExpiry: (() -> Void)?
    private var deadline: NIODeadline?
    private var task: Scheduled<Void>?
    private var taskDeadline: NIODeadline?

    /// `onExpiry` runs on the event loop when an armed deadline passes; it may capture the timer's
    /// owner, which must call ``cancel()`` when it goes away.
    init(eventLoop: EventLoop, onExpiry: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.onExpiry = onExpiry
    }

    var isArmed: Bool { self.deadline != nil }

    func arm(in amount: TimeAmount) {
        let deadline = self.eventLoop.now + amount
        self.deadline = deadline
        if let taskDeadline = self.taskDeadline, taskDeadline <= deadline { return }
        self.task?.cancel()
        self.schedule(at: deadline)
    }

    /// Stops the clock; a pending task stays scheduled and does nothing when it fires.
    func disarm() {
        self.deadline = nil
    }

    /// Stops the clock for good: drops the scheduled task and the expiry closure (the channel is
    /// going away).
    func cancel() {
        self.deadline = nil
        self.onExpiry = nil
        self.task?.cancel()
        self.task = nil
        self.taskDeadline = nil
    }

    private func schedule(at deadline: NIODeadline) {
        self.taskDeadline = deadline
        self.task = self.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.fired()
        }
    }

    private func fired() {
        self.task = nil
        self.taskDeadline = nil
        guard let deadline = self.deadline else { return }
        if deadline > self.eventLoop.now {
            self.schedule(at: deadline)
        } else {
            self.deadline = nil
            self.onExpiry?()
        }
    }
}
