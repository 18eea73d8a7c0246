import Gateway
import Synchronization

/// The per-process delivery counter of Maildir file names.
enum MaildirCounter {
    private static let value = Atomic<Int>(0)

    static func next() -> Int {
        value.add(1, ordering: .relaxed).newValue
    }
}
