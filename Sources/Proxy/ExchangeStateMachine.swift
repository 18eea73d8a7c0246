import NIOCore

/// The life of one client connection's current request/response exchange, as a value: the
/// ``ClientConnectionHandler`` feeds it events and performs the actions it returns, so every rule
/// (when to read, which pipelined request event may be handled, when an upstream connection may be
/// reused, when a request may be retried, when the client connection must close) is unit-tested
/// without any I/O.
struct ExchangeStateMachine {
    enum State: Equatable {
        /// Between requests.
        case idle
        /// Forwarding: waiting for an upstream connection.
        case acquiring
        /// Forwarding with an upstream connection attached.
        case forwarding
        /// Answering locally; the request body is read and discarded.
        case responding
        /// Bytes are glued to the upstream; HTTP is over on this connection.
        case tunnelling
        /// The client connection is closing or closed.
        case closed
    }

    enum ResponseProgress: Equatable {
        case none
        case started
        case ended
    }

    private(set) var state: State = .idle
    private(set) var requestEnded = false
    private(set) var response: ResponseProgress = .none
    /// The client connection must close after the current exchange.
    private(set) var closeAfterExchange = false
    /// A request byte reached the upstream (no retry from then on, unless safe to replay).
    private(set) var requestBytesSent = false
    private(set) var upstreamAttempts = 0
    /// Connections that could not be had for this request (each a try of a server).
    private(set) var failedAcquisitions = 0
    private var requestHasBody = false
    private var requestIsIdempotent = false
    private var upstreamWasReused = false
    /// Another server of the group can take a replay (a failed fresh connection is then worth
    /// one more try elsewhere for a safe request).
    private var replayableElsewhere = false
    private var upstreamKeepAlive = true
    private var requestIsWebSocketUpgrade = false
    /// Request events that arrived while an earlier exchange ran (pipelining), in order.
    private var queued = CircularBuffer<RequestEvent>()

    // MARK: Pipelined request events

    /// Events waiting behind the exchange in progress.
    var queuedEvents: Int { self.queued.count }

    /// A request event was decoded: returned when it is to be handled now, nil when it waits
    /// behind the exchange in progress (or the connection is closed and it is dropped). Once one
    /// event waits, every later one waits behind it, so their order is kept.
    mutating func received(_ event: RequestEvent) -> RequestEvent? {
        if self.state == .closed { return nil }
        if !self.queued.isEmpty || self.mustWait(event) {
            self.queued.append(event)
            return nil
        }
        return event
    }

    /// The next waiting event that may be handled now, removed from the queue; nil while the first
    /// one must still wait (or none waits). Call again after handling what it returns.
    mutating func nextQueued() -> RequestEvent? {
        guard let event = self.queued.first else { return nil }
        if self.state == .closed {
            self.queued.removeAll()
            return nil
        }
        if self.mustWait(event) { return nil }
        return self.queued.removeFirst()
    }

    /// A head waits for the exchange in progress to end. A refusal of what was read waits only once
    /// the current request has ended (it concerns a later request); before that it ends the
    /// current request. Body parts belong to the request being handled.
    private func mustWait(_ event: RequestEvent) -> Bool {
        switch event {
        case .head: return self.state != .idle
        case .rejection: return self.state != .idle && self.requestEnded
        case .body, .end: return false
        }
    }

    /// The connection closes after this exchange: nothing queued will be handled.
    mutating func dropQueued() {
        self.queued.removeAll()
    }

    // MARK: Request side

    enum HeadAction: Equatable {
        case acquireUpstream
        case respond(closeAfter: Bool)
    }

    /// A request head is to be forwarded. `webSocketUpgrade`: it asks to become a WebSocket
    /// (only then may a `101` open a tunnel). `groupHasOtherServers`: its upstream group has more
    /// than one server, so a failed try can be made again elsewhere.
    mutating func forwardRequest(
        keepAlive: Bool,
        hasBody: Bool,
        idempotent: Bool,
        webSocketUpgrade: Bool = false,
        groupHasOtherServers: Bool = false
    ) -> HeadAction {
        precondition(self.state == .idle, "request head while \(self.state)")
        self.resetExchange()
        self.state = .acquiring
        self.requestHasBody = hasBody
        self.requestIsIdempotent = idempotent
        self.requestIsWebSocketUpgrade = webSocketUpgrade
        self.replayableElsewhere = groupHasOtherServers
        if !keepAlive { self.closeAfterExchange = true }
        return .acquireUpstream
    }

    mutating func respondLocally(keepAlive: Bool, drainable: Bool, closeRequested: Bool) -> HeadAction {
        precondition(self.state == .idle, "request head while \(self.state)")
        self.resetExchange()
        self.state = .responding
        if !keepAlive || !drainable || closeRequested { self.closeAfterExchange = true }
        return .respond(closeAfter: self.closeAfterExchange)
    }

    private mutating func resetExchange() {
        self.requestEnded = false
        self.response = .none
        self.requestBytesSent = false
        self.upstreamAttempts = 0
        self.failedAcquisitions = 0
        self.upstreamWasReused = false
        self.replayableElsewhere = false
        self.upstreamKeepAlive = true
        self.requestIsWebSocketUpgrade = false
    }

    enum BodyAction: Equatable {
        /// Keep it until the upstream connection is attached.
        case buffer
        case forward
        case discard
    }

    mutating func requestBodyPart() -> BodyAction {
        switch self.state {
        case .acquiring: return .buffer
        case .forwarding:
            self.requestBytesSent = true
            return .forward
        default: return .discard
        }
    }

    enum RequestEndAction: Equatable {
        case buffer
        case forward
        /// Local response already written: the exchange is over.
        case exchangeComplete(close: Bool)
        case none
    }

    mutating func requestEnd() -> RequestEndAction {
        self.requestEnded = true
        switch self.state {
        case .acquiring:
            return .buffer
        case .forwarding:
            return .forward
        case .responding:
            if self.response == .ended { return self.completeExchange() }
            return .none
        default:
            return .none
        }
    }

    /// The request was ended by the client closing its side, a protocol error or a timeout.
    mutating func clientFailed() -> ClientFailureAction {
        let previous = self.state
        self.state = .closed
        switch previous {
        case .acquiring: return .cancelAcquire
        case .forwarding: return .closeUpstream
        case .tunnelling: return .closeUpstream
        default: return .none
        }
    }

    enum ClientFailureAction: Equatable {
        case none
        case cancelAcquire
        /// The upstream may hold a partial request or response: never return it to the pool.
        case closeUpstream
    }

    // MARK: Upstream side

    enum AttachAction: Equatable {
        /// Write the head and anything buffered; `end` if the request already ended.
        case sendRequest(end: Bool)
        /// The client went away meanwhile: give the connection back.
        case release
    }

    /// `reused`: the connection was an idle pooled one.
    mutating func upstreamAttached(reused: Bool) -> AttachAction {
        guard self.state == .acquiring else { return .release }
        self.state = .forwarding
        self.upstreamAttempts += 1
        self.upstreamWasReused = reused
        return .sendRequest(end: self.requestEnded)
    }

    /// The head (and buffered body) write to the upstream succeeded.
    mutating func requestHeadWritten() {
        self.requestBytesSent = true
    }

    /// A failure may replay this request whatever reached the upstream: it is idempotent, has no
    /// body, and its connection was reused (an idle keep-alive connection the upstream may have
    /// closed meanwhile — the case retries exist for) or another server of the group can take it
    /// (a server dying under an idempotent request: RFC 9110 §9.2.2 allows the retry).
    private var isSafeReplay: Bool {
        (self.upstreamWasReused || self.replayableElsewhere) && self.requestIsIdempotent && !self.requestHasBody
    }

    /// Whether the outcome of the head write changes anything: for a safe replay it does not
    /// (a failed write and a failure after it are retried alike), so the handler need not wait
    /// for it — no promise per request on the common path.
    var headWriteOutcomeMatters: Bool {
        !self.isSafeReplay
    }

    enum UpstreamFailureAction: Equatable {
        /// Nothing reached the upstream (or a safe replay): try a fresh connection.
        case retry
        /// Answer 502/504 and close the client connection.
        case respondError(closeAfter: Bool)
        /// The response started: the client connection must be closed (never a truncated body
        /// presented as complete).
        case closeClient
        case none
    }

    /// The upstream connection failed or closed before the exchange completed.
    /// `bytesMayHaveReachedUpstream`: false when the first write itself failed. `retryAllowed`:
    /// false when the failure is the server's answer (a timeout, a malformed response), which a
    /// second try would only repeat. At most two tries in all.
    mutating func upstreamFailed(bytesMayHaveReachedUpstream: Bool, retryAllowed: Bool = true) -> UpstreamFailureAction
    {
        let maxAttempts = retryAllowed ? 2 : 0
        switch self.state {
        case .acquiring, .forwarding:
            break
        case .tunnelling:
            self.state = .closed
            return .closeClient
        default:
            return .none
        }
        if self.response != .none {
            self.state = .closed
            return .closeClient
        }
        let nothingSent = !bytesMayHaveReachedUpstream && !self.requestBytesSent
        if self.state == .forwarding, self.upstreamAttempts + self.failedAcquisitions < maxAttempts,
            nothingSent || self.isSafeReplay
        {
            self.state = .acquiring
            self.requestBytesSent = false
            return .retry
        }
        // Answer with an error page. The request body may still be arriving: close afterwards.
        self.state = .responding
        self.closeAfterExchange = true
        return .respondError(closeAfter: true)
    }

    /// No server of the group can be tried (every one is out, each until its back-off ends): 502,
    /// whatever tries are left.
    mutating func noUpstreamAvailable() -> UpstreamFailureAction {
        guard self.state == .acquiring else { return .none }
        self.state = .responding
        self.closeAfterExchange = true
        return .respondError(closeAfter: true)
    }

    /// Connecting failed or timed out (no byte sent): another server of the group is tried once
    /// (two tries in all) when the group has one, else 502.
    mutating func acquireFailed() -> UpstreamFailureAction {
        guard self.state == .acquiring else { return .none }
        let maxAttempts = self.replayableElsewhere ? 2 : 1
        self.failedAcquisitions += 1
        if self.upstreamAttempts + self.failedAcquisitions < maxAttempts {
            return .retry
        }
        self.state = .responding
        self.closeAfterExchange = true
        return .respondError(closeAfter: true)
    }

    enum ResponseHeadAction: Equatable {
        /// `101` to a WebSocket upgrade: pass it on, then splice the connections.
        case beginTunnel
        /// `101` to a request that asked for no WebSocket (or to something else): 502, never a tunnel.
        case refuseUpgrade
        /// Another `1xx`: passed on to an HTTP/1.1 client, dropped for HTTP/1.0 (which knows none).
        case forwardInformational
        case dropInformational
        /// The final response: forward it; `closeClient`: the client connection ends after it
        /// (asked before, or the request body is still arriving and will not be read).
        case forwardResponse(closeClient: Bool)
    }

    /// The upstream sent a response head. `upgradesToWebSocket`: it says `Upgrade: websocket`.
    func responseHeadArrived(status: Int, upgradesToWebSocket: Bool, clientIsHTTP11: Bool) -> ResponseHeadAction {
        if status == 101 {
            return self.requestIsWebSocketUpgrade && upgradesToWebSocket ? .beginTunnel : .refuseUpgrade
        }
        if (100..<200).contains(status) {
            return clientIsHTTP11 ? .forwardInformational : .dropInformational
        }
        return .forwardResponse(closeClient: self.closeAfterExchange || !self.requestEnded)
    }

    /// The upstream answered a request head that needs no tunnel. `keepAlive`: the upstream
    /// keeps its connection open after this response.
    mutating func responseHeadReceived(upstreamKeepAlive: Bool, closeClientAfter: Bool) {
        self.response = .started
        self.upstreamKeepAlive = upstreamKeepAlive
        if closeClientAfter { self.closeAfterExchange = true }
    }

    /// The upstream's `101` accepted a WebSocket upgrade.
    mutating func tunnelEstablished() {
        self.state = .tunnelling
        self.response = .ended
    }

    struct ResponseEndAction: Equatable {
        /// Give the upstream connection back to the pool (true) or close it (false).
        var reuseUpstream: Bool
        /// What the client connection does next.
        var next: Next

        enum Next: Equatable {
            /// Request complete too: close the client connection or serve the next request.
            case exchangeComplete(close: Bool)
            /// The request body is still arriving: the gateway stops after this response.
            case closeClient
        }
    }

    mutating func responseEnded() -> ResponseEndAction {
        self.response = .ended
        // After a refused upgrade the upstream may have stopped reading HTTP: never reused.
        let reuse = self.requestEnded && self.upstreamKeepAlive && !self.requestIsWebSocketUpgrade
        if self.requestEnded {
            return ResponseEndAction(
                reuseUpstream: reuse,
                next: .exchangeComplete(close: self.completeExchange().closes)
            )
        }
        self.state = .closed
        return ResponseEndAction(reuseUpstream: false, next: .closeClient)
    }

    /// The locally generated response was written.
    mutating func localResponseWritten() -> RequestEndAction {
        self.response = .ended
        if self.requestEnded || self.closeAfterExchange { return self.completeExchange() }
        return .none
    }

    private mutating func completeExchange() -> RequestEndAction {
        if self.closeAfterExchange {
            self.state = .closed
            return .exchangeComplete(close: true)
        }
        self.state = .idle
        return .exchangeComplete(close: false)
    }

    enum RejectionAction: Equatable {
        /// Answer with the rejection's status and close; `dropUpstream`: close any leased
        /// upstream connection (it holds a partial request).
        case respond(dropUpstream: Bool)
        /// A response is already under way: just close.
        case close(dropUpstream: Bool)
    }

    /// The request stream was found malformed or timed out (400, 408, 414, 431).
    mutating func requestRejected() -> RejectionAction {
        let previous = self.state
        self.closeAfterExchange = true
        switch previous {
        case .idle:
            self.resetExchange()
            self.requestEnded = true
            self.state = .responding
            return .respond(dropUpstream: false)
        case .acquiring, .forwarding:
            self.requestEnded = true
            if self.response == .none {
                self.state = .responding
                return .respond(dropUpstream: true)
            }
            self.state = .closed
            return .close(dropUpstream: true)
        case .responding, .tunnelling, .closed:
            self.state = .closed
            return .close(dropUpstream: previous == .tunnelling)
        }
    }

    // MARK: Connection-wide

    /// Quiescing (graceful shutdown): close once the current exchange is over.
    /// Returns true when the connection is idle and can close right away.
    mutating func quiesce() -> Bool {
        self.closeAfterExchange = true
        if self.state == .idle {
            self.state = .closed
            return true
        }
        return false
    }

    /// Whether a read from the client may be issued now (backpressure and pipelining).
    func mayReadClient(upstreamWritable: Bool) -> Bool {
        switch self.state {
        case .idle: return true
        case .acquiring: return false
        case .forwarding: return self.requestEnded ? self.queued.count < 16 : upstreamWritable
        case .responding: return self.requestEnded ? self.queued.count < 16 : true
        case .tunnelling, .closed: return false
        }
    }
}

extension ExchangeStateMachine.RequestEndAction {
    var closes: Bool {
        if case .exchangeComplete(let close) = self { return close }
        return false
    }
}
