import Foundation
import Gate
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TenantModel
import Testing

@testable import Gateway
@testable import TenantState

/// An event loop's decider reads the live snapshot through its own copy: a published change
/// decides the loop's next request, and a loop that serves no request lets go of a replaced
/// snapshot all the same.
@Suite struct GateLoopDeciderTests {
    private static let now = Date()

    /// `t1` to `t<count>`, all paid; `t1` frozen around now when `frozen`.
    private static func snapshot(tenants count: Int, frozen: Bool) -> TenantSnapshot {
        let freeze = FreezeWindow(id: 1, start: now.addingTimeInterval(-86_400), end: now.addingTimeInterval(86_400))
        return TenantSnapshot(
            records: (1...count).map {
                TenantRecord(
                    key: "t\($0)",
                    paidUntil: now.addingTimeInterval(90 * 86_400),
                    freezes: $0 == 1 && frozen ? [freeze] : []
                )
            },
            loadedAt: now
        )
    }

    private static func adminPageRequest() -> InboundRequest {
        InboundRequest(
            head: HTTPRequestHead(
                version: .http1_1,
                method: .GET,
                uri: "/company/1",
                headers: ["Host": "t1.s20.online"]
            ),
            remoteAddress: nil,
            isTLS: false
        )
    }

    /// Polls `condition` every 10 ms for up to 20 s; no assertion on how fast.
    private static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("a loop decides with each published snapshot and lets go of the replaced one without a request")
    func loopFollowsPublicationsAndReleasesReplacedSnapshot() async throws {
        let reclaimer = SnapshotReclaimer(threadName: "test-reclaim", patience: .seconds(600))
        let cache = TenantStateCache(reclaimer: reclaimer)
        cache.publish(Self.snapshot(tenants: 1000, frozen: false))
        let decider = GateDecider(
            gate: Gate(profile: .alfaCRM, baseDomains: ["s20.online"]),
            cache: cache,
            clock: SystemWallClock()
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let loopDecider = try await loop.submit {
            NIOLoopBound(decider.makeEventLoopDecider(on: loop), eventLoop: loop)
        }.get()
        let decidesForward: @Sendable () throws -> Bool = {
            if case .forward = loopDecider.value.decide(Self.adminPageRequest()) { return true }
            return false
        }
        #expect(try await loop.submit(decidesForward).get())

        // A new snapshot (new tables): t1 frozen. No request comes to the loop, yet both references
        // to the replaced tables, the cache's and the loop's copy, are dropped on the reclaimer.
        cache.publish(Self.snapshot(tenants: 1000, frozen: true))
        #expect(await Self.eventually { reclaimer.reclaimedCount == 2 })

        // The loop's next request is decided with the new snapshot.
        #expect(try await loop.submit(decidesForward).get() == false)
        try await group.shutdownGracefully()
    }
}
