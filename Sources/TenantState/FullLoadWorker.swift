import Foundation
import Synchronization

/// Runs a full load's CPU work — decoding the rows, building the tables, comparing them with the
/// served ones, about 3 s of a core at a million tenants — on one thread of its own, which drops to
/// the lowest scheduling priority (nice 19) at the first resync and stays there.
///
/// At the priority of the event loops, a resync's work kept a shared core for its whole time slice
/// after an event loop woke, and requests waited behind it; at nice 19 its share of a busy core is
/// 15 to the event loop's 1024, and a waking event loop takes the core first. The serving snapshot
/// stays in place meanwhile and changes keep arriving through the notifications, so a slower resync
/// on a saturated machine delays only the refresh. The first load, with nothing served yet, runs at
/// normal priority. Every load runs on this one thread so that all of them allocate from its malloc
/// arena, which each resync reuses: the first load built elsewhere left its arena's memory resident
/// beside the worker's after the first resync (1.1 GiB instead of 0.8 GiB at a million tenants).
final class FullLoadWorker: Sendable {
    private struct Queue {
        var jobs: [(lowPriority: Bool, run: @Sendable () -> Void)] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let started = Atomic<Int>(0)

    /// Starts the thread, which runs until ``stop()``.
    init(threadName: String) {
        let thread = Thread { [self] in self.runJobs() }
        thread.name = threadName
        thread.start()
    }

    /// Runs `body` on the worker's thread, after the jobs queued before it, and returns its result.
    /// `lowPriority` (a resync, beside served requests) drops the thread to nice 19 for good.
    func run<Value: Sendable>(
        lowPriority: Bool,
        _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            self.queue.withLock { queue in
                queue.jobs.append((lowPriority, { continuation.resume(with: Result { try body() }) }))
            }
            self.wakeUp.signal()
        }
    }

    /// Ends the thread once the jobs queued so far have run.
    func stop() {
        self.queue.withLock { $0.stopping = true }
        self.wakeUp.signal()
    }

    private func runJobs() {
        var lowered = false
        while true {
            self.wakeUp.wait()
            let (jobs, stopping) = self.queue.withLock { queue in
                let jobs = queue.jobs
                queue.jobs = []
                return (jobs, queue.stopping)
            }
            for job in jobs {
                if job.lowPriority && !lowered {
                    LowestThreadPriority.applyToCurrentThread()
                    lowered = true
                }
                // Counted first: the job's caller may look as soon as the job resumes it.
                self.started.add(1, ordering: .relaxed)
                job.run()
            }
            if stopping { return }
        }
    }

    /// Jobs started so far (for tests).
    var jobsRun: Int { self.started.load(ordering: .relaxed) }
}
