import NIOCore

/// A timeout re-armed on every request without scheduling a task each time: it keeps a deadline
/// and at most one scheduled task; a task that fires before the (moved) deadline reschedules
/// itself for the remainder. Used on the event loop of its channel only.
final class DeadlineTimer {
    private let eventLoop: EventLoop
    private let onExpiry: () -> Void
    private var deadline: NIODeadline?
    private var task: Scheduled<Void>?
    private var taskDeadline: NIODeadline?

    /// `onExpiry` runs on the event loop when an armed deadline passes; capture the owner weakly.
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

    /// Stops the clock and drops the scheduled task (the channel is going away).
    func cancel() {
        self.deadline = nil
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
            self.onExpiry()
        }
    }
}
