import HTTPHead
import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("ExchangeStateMachine")
struct ExchangeStateMachineTests {
    @Test func simpleForwardedGetKeepsBothConnections() {
        var machine = ExchangeStateMachine()
        #expect(machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true) == .acquireUpstream)
        #expect(!machine.mayReadClient(upstreamWritable: true))
        #expect(machine.requestEnd() == .buffer)
        #expect(machine.upstreamAttached(reused: false) == .sendRequest(end: true))
        machine.requestHeadWritten()
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        let end = machine.responseEnded()
        #expect(end == .init(reuseUpstream: true, next: .exchangeComplete(close: false)))
        #expect(machine.phase == .idle)
    }

    @Test(arguments: [
        // (reused, idempotent, body, outcome matters)
        (true, true, false, false), (false, true, false, true), (true, false, false, true), (true, true, true, true),
    ])
    func headWriteOutcomeMattersUnlessTheRequestIsASafeReplay(case: (Bool, Bool, Bool, Bool)) {
        let (reused, idempotent, hasBody, matters) = `case`
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: hasBody, idempotent: idempotent)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: reused)
        #expect(machine.headWriteOutcomeMatters == matters)
        // Where it does not matter, a failure is retried whether or not the bytes left.
        if !matters {
            #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .retry)
        }
    }

    @Test func bodyIsBufferedUntilUpstreamAttachesThenForwarded() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        #expect(machine.requestBodyPart() == .buffer)
        #expect(machine.upstreamAttached(reused: true) == .sendRequest(end: false))
        #expect(machine.requestBodyPart() == .forward)
        #expect(machine.mayReadClient(upstreamWritable: true))
        #expect(!machine.mayReadClient(upstreamWritable: false))
        #expect(machine.requestEnd() == .forward)
    }

    /// A held body is read before any upstream is chosen; once it ends (or outgrows the hold) the
    /// upstream is chosen, and the client is read again only once it is attached.
    @Test func aHeldBodyIsReadBeforeTheUpstreamIsChosen() {
        var machine = ExchangeStateMachine()
        #expect(machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false, holdBody: true) == .holdBody)
        #expect(machine.isHoldingBody)
        #expect(machine.mayReadClient(upstreamWritable: false))
        #expect(machine.requestBodyPart() == .buffer)
        #expect(machine.requestEnd() == .buffer)
        let stopped = machine.stopHoldingBody()
        #expect(stopped)
        #expect(!machine.isHoldingBody)
        let stoppedAgain = machine.stopHoldingBody()
        #expect(!stoppedAgain)
        #expect(!machine.mayReadClient(upstreamWritable: true))
        #expect(machine.upstreamAttached(reused: true) == .sendRequest(end: true))

        // Nothing to hold without a body; a rejection while holding is answered, nothing to drop.
        var bodyless = ExchangeStateMachine()
        #expect(
            bodyless.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, holdBody: true)
                == .acquireUpstream
        )
        #expect(!bodyless.isHoldingBody)
        var rejected = ExchangeStateMachine()
        _ = rejected.forwardRequest(keepAlive: true, hasBody: true, idempotent: false, holdBody: true)
        #expect(rejected.requestBodyPart() == .buffer)
        #expect(rejected.requestRejected() == .respond(dropUpstream: true))
        #expect(!rejected.isHoldingBody)
    }

    @Test func earlyResponseClosesBothSides() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: false)
        _ = machine.requestBodyPart()
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: true)
        #expect(machine.responseEnded() == .init(reuseUpstream: false, next: .closeClient))
    }

    @Test func upstreamNotKeepingAliveIsNotReused() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        machine.responseHeadReceived(upstreamKeepAlive: false, closeClientAfter: false)
        #expect(machine.responseEnded().reuseUpstream == false)
    }

    @Test func failedFirstWriteIsRetried() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: true)
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: false) == .retry)
        #expect(machine.phase == .acquiring)
    }

    @Test func sentPostIsNeverReplayed() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: true)
        machine.requestHeadWritten()
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .respondError(closeAfter: true))
    }

    @Test func bodylessGetOnAReusedConnectionIsReplayedOnce() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: true)
        machine.requestHeadWritten()
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .retry)
        _ = machine.upstreamAttached(reused: false)
        machine.requestHeadWritten()
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .respondError(closeAfter: true))
    }

    @Test func failureAfterResponseStartedClosesTheClient() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .closeClient)
    }

    @Test func localResponseDrainsThenKeepsTheConnection() {
        var machine = ExchangeStateMachine()
        #expect(
            machine.respondLocally(keepAlive: true, drainable: true, closeRequested: false)
                == .respond(closeAfter: false)
        )
        #expect(!machine.isDrainingRequestBody)
        #expect(machine.localResponseWritten() == .none)
        #expect(machine.isDrainingRequestBody)
        #expect(machine.requestBodyPart() == .discard)
        #expect(machine.requestEnd() == .exchangeComplete(close: false))
        #expect(machine.phase == .idle)
        #expect(!machine.isDrainingRequestBody)
    }

    @Test func undrainableLocalResponseCloses() {
        var machine = ExchangeStateMachine()
        #expect(
            machine.respondLocally(keepAlive: true, drainable: false, closeRequested: false)
                == .respond(closeAfter: true)
        )
        #expect(machine.localResponseWritten() == .exchangeComplete(close: true))
        #expect(machine.phase == .closed)
    }

    @Test func clientLeavingMidForwardDropsTheUpstream() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.upstreamAttached(reused: false)
        #expect(machine.clientFailed() == .closeUpstream)
    }

    @Test func quiescingClosesAfterTheExchange() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        #expect(machine.quiesce() == false)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: machine.closeAfterExchange)
        #expect(machine.responseEnded().next == .exchangeComplete(close: true))
        var idle = ExchangeStateMachine()
        #expect(idle.quiesce() == true)
    }

    @Test func rejectionWhileIdleAnswersAndCloses() {
        var machine = ExchangeStateMachine()
        #expect(machine.requestRejected() == .respond(dropUpstream: false))
        #expect(machine.localResponseWritten() == .exchangeComplete(close: true))
    }

    @Test func rejectionMidBodyDropsTheUpstream() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: false)
        #expect(machine.requestRejected() == .respond(dropUpstream: true))
    }

    @Test func pipelinedReadsAreBounded() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.upstreamAttached(reused: false)
        _ = machine.requestEnd()
        for _ in 0..<3 { #expect(machine.received(.head(Self.head, .none)) == nil) }
        #expect(machine.mayReadClient(upstreamWritable: true))
        for _ in 3..<16 { #expect(machine.received(.end(nil)) == nil) }
        #expect(machine.queuedEvents == 16)
        #expect(!machine.mayReadClient(upstreamWritable: true))
    }

    static let head = RequestHead(method: .GET, uri: "/next", version: .http1_1, fields: RequestFields())

    static func kind(_ event: RequestEvent?) -> String {
        switch event {
        case .head(let head, _): return "head \(head.uri)"
        case .body: return "body"
        case .end: return "end"
        case .rejection: return "rejection"
        case nil: return "none"
        }
    }

    @Test func anIdleConnectionHandlesEachEventAtOnce() {
        var machine = ExchangeStateMachine()
        #expect(Self.kind(machine.received(.head(Self.head, .none))) == "head /next")
        #expect(Self.kind(machine.received(.rejection(RequestRejection(.badRequest, "x")))) == "rejection")
        #expect(machine.queuedEvents == 0)
    }

    @Test func pipelinedRequestsWaitForTheExchangeToEndAndKeepTheirOrder() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: false)
        // The current request's body is handled at once.
        #expect(Self.kind(machine.received(.body(ByteBuffer(string: "a")))) == "body")
        #expect(Self.kind(machine.received(.end(nil))) == "end")
        _ = machine.requestEnd()
        // The next request waits, and so does everything after it, even a body part.
        let second = RequestHead(method: .POST, uri: "/second", version: .http1_1, fields: RequestFields())
        #expect(machine.received(.head(second, .length(1))) == nil)
        #expect(machine.received(.body(ByteBuffer(string: "b"))) == nil)
        #expect(machine.received(.end(nil)) == nil)
        #expect(machine.received(.head(Self.head, .none)) == nil)
        #expect(Self.kind(machine.nextQueued()) == "none")
        // The response ends: the second request is handed over, its parts follow, the third waits.
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        _ = machine.responseEnded()
        #expect(machine.phase == .idle)
        #expect(Self.kind(machine.nextQueued()) == "head /second")
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        #expect(Self.kind(machine.nextQueued()) == "body")
        #expect(Self.kind(machine.nextQueued()) == "end")
        _ = machine.requestEnd()
        #expect(Self.kind(machine.nextQueued()) == "none")
        #expect(machine.queuedEvents == 1)
    }

    @Test func aRefusalEndsTheCurrentRequestButWaitsBehindAnEndedOne() {
        var reading = ExchangeStateMachine()
        _ = reading.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        // Mid-body: the refusal concerns the request being read, handled at once.
        #expect(Self.kind(reading.received(.rejection(RequestRejection(.badRequest, "x")))) == "rejection")

        var ended = ExchangeStateMachine()
        _ = ended.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = ended.requestEnd()
        // After the request ended, a refusal is about a later request: it waits its turn.
        #expect(ended.received(.rejection(RequestRejection(.badRequest, "x"))) == nil)
        #expect(ended.queuedEvents == 1)
    }

    @Test func aClosedConnectionDropsWhatWaitsAndWhatComes() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.requestEnd()
        #expect(machine.received(.head(Self.head, .none)) == nil)
        _ = machine.clientFailed()
        #expect(machine.received(.head(Self.head, .none)) == nil)
        #expect(Self.kind(machine.nextQueued()) == "none")
        #expect(machine.queuedEvents == 0)
    }

    @Test func aFailedConnectIsRetriedOnceWhenAnotherServerCanTakeIt() {
        // One server: 502 at once (as before there were several).
        var single = ExchangeStateMachine()
        _ = single.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        #expect(single.acquireFailed() == .respondError(closeAfter: true))
        // Several: one more try, then 502.
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false, groupHasOtherServers: true)
        #expect(machine.acquireFailed() == .retry)
        #expect(machine.phase == .acquiring)
        #expect(machine.acquireFailed() == .respondError(closeAfter: true))
    }

    @Test func noServerToTryIs502AtOnceEvenWithTriesLeft() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, groupHasOtherServers: true)
        #expect(machine.noUpstreamAvailable() == .respondError(closeAfter: true))
        #expect(machine.phase == .responding)
        // After a failed connect too: the retry finds every server out.
        var retried = ExchangeStateMachine()
        _ = retried.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, groupHasOtherServers: true)
        #expect(retried.acquireFailed() == .retry)
        #expect(retried.noUpstreamAvailable() == .respondError(closeAfter: true))
    }

    @Test func aRetryAfterAFailedConnectIsTheLastTry() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, groupHasOtherServers: true)
        _ = machine.requestEnd()
        #expect(machine.acquireFailed() == .retry)
        _ = machine.upstreamAttached(reused: true)
        // A stale connection on the second try: no third.
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .respondError(closeAfter: true))
    }

    @Test func anIdempotentBodylessRequestOnAFreshConnectionIsReplayedOnlyWhereAnotherServerCanTakeIt() {
        for (replayableElsewhere, expected) in [
            (false, ExchangeStateMachine.UpstreamFailureAction.respondError(closeAfter: true)), (true, .retry),
        ] {
            var machine = ExchangeStateMachine()
            _ = machine.forwardRequest(
                keepAlive: true,
                hasBody: false,
                idempotent: true,
                groupHasOtherServers: replayableElsewhere
            )
            _ = machine.requestEnd()
            _ = machine.upstreamAttached(reused: false)
            machine.requestHeadWritten()
            #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == expected)
        }
        // A POST whose bytes were sent: never, whatever the group.
        var post = ExchangeStateMachine()
        _ = post.forwardRequest(keepAlive: true, hasBody: true, idempotent: false, groupHasOtherServers: true)
        _ = post.upstreamAttached(reused: true)
        machineSends(&post)
        #expect(post.upstreamFailed(bytesMayHaveReachedUpstream: true) == .respondError(closeAfter: true))
    }

    private func machineSends(_ machine: inout ExchangeStateMachine) {
        machine.requestHeadWritten()
        _ = machine.requestBodyPart()
        _ = machine.requestEnd()
    }

    @Test func aServerThatTimedOutOrAnsweredBadlyIsNotTriedAgain() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, groupHasOtherServers: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: true)
        #expect(
            machine.upstreamFailed(bytesMayHaveReachedUpstream: true, retryAllowed: false)
                == .respondError(closeAfter: true)
        )
    }

    @Test func aResponseHeadIsForwardedPassedOnDroppedOrRefused() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: true, idempotent: false)
        _ = machine.upstreamAttached(reused: false)
        #expect(
            machine.responseHeadArrived(status: 100, upgradesToWebSocket: false, clientIsHTTP11: true)
                == .forwardInformational
        )
        #expect(
            machine.responseHeadArrived(status: 103, upgradesToWebSocket: false, clientIsHTTP11: false)
                == .dropInformational
        )
        // The body is still arriving: the client connection ends after this response.
        #expect(
            machine.responseHeadArrived(status: 200, upgradesToWebSocket: false, clientIsHTTP11: true)
                == .forwardResponse(closeClient: true)
        )
        _ = machine.requestEnd()
        #expect(
            machine.responseHeadArrived(status: 200, upgradesToWebSocket: false, clientIsHTTP11: true)
                == .forwardResponse(closeClient: false)
        )
        // A 101 nobody asked for is refused, even one that says websocket.
        #expect(
            machine.responseHeadArrived(status: 101, upgradesToWebSocket: true, clientIsHTTP11: true)
                == .refuseUpgrade
        )

        var closing = ExchangeStateMachine()
        _ = closing.forwardRequest(keepAlive: false, hasBody: false, idempotent: true)
        _ = closing.requestEnd()
        #expect(
            closing.responseHeadArrived(status: 204, upgradesToWebSocket: false, clientIsHTTP11: true)
                == .forwardResponse(closeClient: true)
        )
    }

    @Test func onlyAWebSocketUpgradeAnsweredWithAWebSocket101BecomesATunnel() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, webSocketUpgrade: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        #expect(
            machine.responseHeadArrived(status: 101, upgradesToWebSocket: false, clientIsHTTP11: true)
                == .refuseUpgrade
        )
        #expect(
            machine.responseHeadArrived(status: 101, upgradesToWebSocket: true, clientIsHTTP11: true)
                == .beginTunnel
        )
    }

    @Test func anUpstreamThatRefusedAnUpgradeIsNotReused() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, webSocketUpgrade: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        #expect(machine.responseEnded().reuseUpstream == false)

        var plain = ExchangeStateMachine()
        _ = plain.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = plain.requestEnd()
        _ = plain.upstreamAttached(reused: false)
        plain.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        #expect(plain.responseEnded().reuseUpstream == true)
    }

    /// The exchange's data lives in its state: made with the head, gone when it ends, so nothing of
    /// one request (here a WebSocket upgrade the upstream did not accept) reaches the next.
    @Test func anExchangesDataEndsWithIt() {
        var machine = ExchangeStateMachine()
        #expect(machine.exchange == nil)
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true, webSocketUpgrade: true)
        #expect(machine.exchange?.webSocketUpgrade == true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        // After a refused upgrade the upstream connection is never reused.
        #expect(machine.responseEnded() == .init(reuseUpstream: false, next: .exchangeComplete(close: false)))
        #expect(machine.exchange == nil)
        #expect(machine.phase == .idle)

        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        #expect(machine.exchange?.webSocketUpgrade == false)
        #expect(machine.exchange?.upstreamAttempts == 0)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: true)
        #expect(machine.exchange?.upstreamAttempts == 1)
        machine.responseHeadReceived(upstreamKeepAlive: true, closeClientAfter: false)
        #expect(machine.responseEnded() == .init(reuseUpstream: true, next: .exchangeComplete(close: false)))
    }

    /// Once the client has gone, late events of the exchange change nothing and reuse nothing.
    @Test func aClosedConnectionIgnoresLateEvents() {
        var machine = ExchangeStateMachine()
        _ = machine.forwardRequest(keepAlive: true, hasBody: false, idempotent: true)
        _ = machine.requestEnd()
        _ = machine.upstreamAttached(reused: false)
        #expect(machine.clientFailed() == .closeUpstream)
        #expect(machine.exchange == nil)
        #expect(machine.requestEnd() == .none)
        #expect(machine.localResponseWritten() == .none)
        #expect(machine.upstreamFailed(bytesMayHaveReachedUpstream: true) == .none)
        #expect(machine.responseEnded() == .init(reuseUpstream: false, next: .closeClient))
        #expect(machine.phase == .closed)
        #expect(!machine.mayReadClient(upstreamWritable: true))
    }
}
