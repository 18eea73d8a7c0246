import Gateway
import Logging
import ServiceLifecycle
import Testing

/// The hand-over of a shutdown signal caught before the service group runs. The signals themselves
/// are left out (raising SIGTERM in the test process is not a risk worth taking): `caught()` is what
/// the signal source calls.
@Suite struct EarlyShutdownSignalsTests {
    /// Runs until graceful shutdown, as the gateway's services do.
    private struct WaitingService: Service {
        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    private static func group() -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: WaitingService())],
                gracefulShutdownSignals: [],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
    }

    /// Whether `group.run()` returns within `limit`.
    private static func runReturns(_ group: ServiceGroup, within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try? await group.run()
                return true
            }
            tasks.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await tasks.next() ?? false
            if first { tasks.cancelAll() } else { await group.triggerGracefulShutdown() }
            await tasks.waitForAll()
            return first
        }
    }

    /// A signal between the listeners' start and the group's handlers: the group still drains and
    /// returns (before, the process ended with exit 143).
    @Test func aSignalCaughtBeforeTheGroupRunsShutsItDownGracefully() async {
        let signals = EarlyShutdownSignals(signals: [])
        defer { signals.cancel() }
        signals.caught()
        let group = Self.group()
        await signals.handOver(to: group)
        #expect(await Self.runReturns(group, within: .seconds(20)))
    }

    @Test func aSignalCaughtWhileTheGroupRunsShutsItDownGracefully() async {
        let signals = EarlyShutdownSignals(signals: [])
        defer { signals.cancel() }
        let group = Self.group()
        await signals.handOver(to: group)
        Task {
            try? await Task.sleep(for: .milliseconds(200))
            signals.caught()
        }
        #expect(await Self.runReturns(group, within: .seconds(20)))
    }

    /// Without a signal the group keeps running: what the two tests above see is the hand-over.
    @Test func withoutASignalTheGroupKeepsRunning() async {
        let signals = EarlyShutdownSignals(signals: [])
        defer { signals.cancel() }
        let group = Self.group()
        await signals.handOver(to: group)
        #expect(await Self.runReturns(group, within: .seconds(1)) == false)
    }
}
