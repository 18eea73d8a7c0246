import NIOCore
import Testing

@testable import Proxy

/// The pool's rules without a socket: counts, the idle list, the queue, and what each event asks for.
struct UpstreamPoolStateTests {
    final class FakeConnection: PooledConnection {
        var poolPhase: PoolPhase = .leased
        var idleSince: NIODeadline = .uptimeNanoseconds(0)
        var alive = true
        let name: String
        init(_ name: String) { self.name = name }
    }

    typealias State = UpstreamPoolState<FakeConnection, Int>

    private func connect(_ state: inout State, _ name: String, waiter: Int = 0) -> FakeConnection? {
        guard case .connect = state.acquire(isAlive: { $0.alive }, makeWaiter: { waiter }) else { return nil }
        return FakeConnection(name)
    }

    @Test func opensUpToTheLimitThenQueuesAndHandsOverOnRelease() throws {
        var state = State(maxConnections: 2)
        let a = try #require(self.connect(&state, "a"))
        let b = try #require(self.connect(&state, "b"))
        #expect(state.openCount == 2)
        guard case .wait(7) = state.acquire(isAlive: { $0.alive }, makeWaiter: { 7 }) else {
            Issue.record("a third request must wait")
            return
        }
        #expect(state.activeCount == 3)
        guard case .handOver(to: 7) = state.release(a, reusable: true, now: .now()) else {
            Issue.record("the released connection goes to the waiter")
            return
        }
        #expect(a.poolPhase == .leased && state.openCount == 2 && state.waiters.isEmpty)
        guard case .keptIdle = state.release(b, reusable: true, now: .uptimeNanoseconds(5)) else {
            Issue.record("with nobody waiting it is kept")
            return
        }
        #expect(b.poolPhase == .idle && b.idleSince == .uptimeNanoseconds(5) && state.idle.count == 1)
        #expect(state.activeCount == 1)
    }

    @Test func theMostRecentlyIdleLiveConnectionIsLeasedAndDeadOnesAreForgotten() throws {
        var state = State(maxConnections: 3)
        let (a, b, c) = try (
            #require(self.connect(&state, "a")), #require(self.connect(&state, "b")),
            #require(self.connect(&state, "c"))
        )
        for connection in [a, b, c] { _ = state.release(connection, reusable: true, now: .now()) }
        c.alive = false
        guard case .lease(let leased) = state.acquire(isAlive: { $0.alive }, makeWaiter: { 0 }) else {
            Issue.record("an idle connection is leased")
            return
        }
        #expect(leased === b && b.poolPhase == .leased)
        #expect(c.poolPhase == .closed && state.openCount == 2 && state.idle.map(\.name) == ["a"])
    }

    @Test func aClosedConnectionMakesRoomForTheFirstWaiter() throws {
        var state = State(maxConnections: 1)
        let a = try #require(self.connect(&state, "a"))
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 1 })
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 2 })
        guard case .close(connectFor: 1) = state.release(a, reusable: false, now: .now()) else {
            Issue.record("a connection not reusable is closed and a new one opened for the first waiter")
            return
        }
        #expect(a.poolPhase == .closed && state.openCount == 1 && Array(state.waiters) == [2])
        state.connectFailed()
        #expect(state.openCount == 0)
        #expect(self.connect(&state, "b") != nil)
    }

    @Test func aTunnelLeavesThePoolAndItsPlaceGoesToAWaiter() throws {
        var state = State(maxConnections: 1)
        let a = try #require(self.connect(&state, "a"))
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 9 })
        #expect(state.detach(a) == 9)
        #expect(a.poolPhase == .closed && state.openCount == 1)
        #expect(state.detach(a) == nil)
        guard case .none = state.release(a, reusable: true, now: .now()) else {
            Issue.record("a detached connection is not the pool's any more")
            return
        }
        #expect(state.openCount == 1)
    }

    @Test func onlyAnIdleConnectionsCloseIsCountedByThePool() throws {
        var state = State(maxConnections: 2)
        let a = try #require(self.connect(&state, "a"))
        let b = try #require(self.connect(&state, "b"))
        _ = state.release(a, reusable: true, now: .now())
        state.closed(a)
        state.closed(b)  // leased: counted when it comes back
        #expect(state.openCount == 1 && state.idle.isEmpty && a.poolPhase == .closed && b.poolPhase == .leased)
        state.closed(a)
        #expect(state.openCount == 1)
    }

    @Test func sweepingAndShuttingDown() throws {
        var state = State(maxConnections: 3)
        let (a, b) = try (#require(self.connect(&state, "a")), #require(self.connect(&state, "b")))
        _ = state.release(a, reusable: true, now: .uptimeNanoseconds(1))
        _ = state.release(b, reusable: true, now: .uptimeNanoseconds(100))
        #expect(state.removeIdle(where: { $0.idleSince <= .uptimeNanoseconds(50) }).map(\.name) == ["a"])
        #expect(state.openCount == 1 && state.idle.map(\.name) == ["b"])
        _ = state.acquire(isAlive: { _ in false }, makeWaiter: { 0 })  // b is dead: a new one instead
        #expect(state.openCount == 1 && state.idle.isEmpty)
        let c = FakeConnection("c")
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 0 })
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 0 })
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 4 })
        #expect(state.removeWaiter(where: { $0 == 4 }) && !state.removeWaiter(where: { $0 == 4 }))
        _ = state.acquire(isAlive: { $0.alive }, makeWaiter: { 5 })
        let (idle, waiters) = state.shutDown()
        #expect(idle.isEmpty && waiters == [5])
        guard case .refuse = state.acquire(isAlive: { $0.alive }, makeWaiter: { 0 }) else {
            Issue.record("a pool shut down refuses")
            return
        }
        guard case .close(connectFor: nil) = state.release(c, reusable: true, now: .now()) else {
            Issue.record("a connection given back after the shutdown is closed")
            return
        }
    }
}
