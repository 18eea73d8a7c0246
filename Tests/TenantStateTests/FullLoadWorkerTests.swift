import Testing

@testable import TenantState

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FullLoadWorkerTests {
    struct Refused: Error {}

    @Test func jobsRunInOrderAndReturnTheirValueOrError() async throws {
        let worker = FullLoadWorker(threadName: "test-load")
        defer { worker.stop() }
        var values: [Int] = []
        for index in 0..<20 {
            values.append(try await worker.run(lowPriority: false) { index * 2 })
        }
        #expect(values == (0..<20).map { $0 * 2 })
        await #expect(throws: Refused.self) { try await worker.run(lowPriority: false) { throw Refused() } }
        // The worker goes on after a job that threw.
        #expect(try await worker.run(lowPriority: false) { "after" } == "after")
        #expect(worker.jobsRun == 22)
    }

    /// The point of the worker: a resync's work yields to everything at normal priority, the first
    /// load's does not (nothing is served yet), and a thread once lowered stays so.
    @Test func itsThreadDropsToTheLowestPriorityAtTheFirstResyncAndStaysThere() async throws {
        #if os(Linux)
        let worker = FullLoadWorker(threadName: "test-load")
        defer { worker.stop() }
        let nice: @Sendable () -> Int32 = { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        let own = nice()
        #expect(try await worker.run(lowPriority: false) { nice() } == own)
        #expect(try await worker.run(lowPriority: true) { nice() } == 19)
        #expect(try await worker.run(lowPriority: false) { nice() } == 19)
        // The caller's own thread is untouched.
        #expect(nice() == own)
        #endif
    }
}
