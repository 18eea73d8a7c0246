import NIOCore

/// The life of one client connection's current request/response exchange, as a value: the
/// ``ClientExchange`` feeds it events and performs the actions it returns, so every rule
/// (when to read, which pipelined request event may be handled, when an upstream connection may be
/// reused, when a request may be retried, when the client connection must close) is unit-tested
/// without any I/O. The states of an exchange in progress carry its data (`Exchange`); what spans
/// exchanges is the connection's (close after this one, the pipelined events waiting).
struct ExchangeStateMachine {
    /// Where the connection's exchange is, as the handler asks it.
    enum Phase: Equatable {
        /// Between requests.
        case idle
        /// Forwarding: reading a held body, or waiting for an upstream connection.
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

    /// One exchange: what its request is and how far it got. Carried by the states of an exchange
    /// in progress, so it is made with the request head and gone when the exchange ends: nothing of
    /// one request can leak into the next.
    struct Exchange: Equatable {
        let hasBody: Bool
        let idempotent: Bool
        /// It asks to become a WebSocket (only then may a `101` open a tunnel).
        let webSocketUpgrade: Bool
        /// Another server of the group can take a replay (a failed fresh connection is then worth
        /// one more try elsewhere for a safe request).
        let replayableElsewhere: Bool
        var requestEnded = false
        var response = ResponseProgress.none
        /// A request byte reached the upstream (no retry from then on, unless safe to replay).
        var requestBytesSent = false
        var upstreamAttempts = 0
        /// Connections that could not be had for this request (each a try of a server).
        var failedAcquisitions = 0
        var upstreamWasReused = false
        var upstreamKeepAlive = true
        /// The body is being read before any upstream is chosen (``forwardRequest(keepAlive:hasBody:idempotent:webSocketUpgrade:groupHasOtherServers:holdBody:)``).
        var holdingBody = false

        /// An exchange answered locally: its request's traits do not matter.
        static func local(requestEnded: Bool = false) -> Exchange {
            Exchange(
                hasBody: false,
                idempotent: false,
                webSocketUpgrade: false,
                replayableElsewhere: false,
                requestEnded: requestEnded
            )
        }

        /// A failure may replay this request whatever reached the upstream: it is idempotent, has
        /// no body, and its connection was reused (an idle keep-alive connection the upstream may
        /// have closed meanwhile — the case retries exist for) or another server of the group can
        /// take it (a server dying under an idempotent request: RFC 9110 §9.2.2 allows the retry).
        var isSafeReplay: Bool {
            (self.upstreamWasReused || self.replayableElsewhere) && self.idempotent && !self.hasBody
        }
    }

    enum State: Equatable {
        case idle
        case acquiring(Exchange)
        case forwarding(Exchange)
        case responding(Exchange)
        case tunnelling
        case closed
    }

    private(set) var state: State = .idle
    /// The client connection must close after the current exchange.
    private(set) var closeAfterExchange = false
    /// Request events that arrived while an earlier exchange ran (pipelining), in order.
    private var queued = CircularBuffer<RequestEvent>()

    var phase: Phase {
        switch self.state {
        case .idle: return .idle
        case .acquiring: return .acquiring
        case .forwarding: return .forwarding
        case .responding: return .responding
        case .tunnelling: return .tunnelling
        case .closed: return .closed
        }
    }

    /// The exchange in progress, if any.
    var exchange: Exchange? {
        switch self.state {
        case .acquiring(let exchange), .forwarding(let exchange), .responding(let exchange): return exchange
        case .idle, .tunnelling, .closed: return nil
        }
    }

    /// How far the response got: none between requests, ended once HTTP is over (a tunnel, a
    /// closed connection).
    var response: ResponseProgress {
        self.exchange?.response ?? (self.state == .idle ? .none : .ended)
    }

    /// A local answer is written and the rest of its request's body is being read and discarded
    /// (to keep the connection for the next request): the client owes bytes, nothing else runs.
    var isDrainingRequestBody: Bool {
        guard case .responding(let exchange) = self.state else { return false }
        return exchange.response == .ended && !exchange.requestEnded
    }

    /// Whether the request being handled has ended (true where no request is under way but a
    /// tunnel's or a closed connection's).
    private var requestEnded: Bool {
        self.exchange?.requestEnded ?? (self.state != .idle)
    }

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
        case .head: return self.phase != .idle
        case .rejection: return self.phase != .idle && self.requestEnded
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
        /// Read the body first: the upstream is chosen once it has ended (or outgrown the hold).
        case holdBody
        case respond(closeAfter: Bool)
    }

    /// A request head is to be forwarded. `webSocketUpgrade`: it asks to become a WebSocket
    /// (only then may a `101` open a tunnel). `groupHasOtherServers`: its upstream group has more
    /// than one server, so a failed try can be made again elsewhere. `holdBody`: its body is read
    /// before an upstream is chosen (``RequestTraits/holdableBody``), so that a body found
    /// malformed, or contradicting its declared length, is refused with nothing sent upstream.
    mutating func forwardRequest(
        keepAlive: Bool,
        hasBody: Bool,
        idempotent: Bool,
        webSocketUpgrade: Bool = false,
        groupHasOtherServers: Bool = false,
        holdBody: Bool = false
    ) -> HeadAction {
        precondition(self.state == .idle, "request head while \(self.state)")
        var exchange = Exchange(
            hasBody: hasBody,
            idempotent: idempotent,
            webSocketUpgrade: webSocketUpgrade,
            replayableElsewhere: groupHasOtherServers
        )
        exchange.holdingBody = holdBody && hasBody
        self.state = .acquiring(exchange)
        if !keepAlive { self.closeAfterExchange = true }
        return exchange.holdingBody ? .holdBody : .acquireUpstream
    }

    /// Whether the body is being read before an upstream is chosen.
    var isHoldingBody: Bool {
        guard case .acquiring(let exchange) = self.state else { return false }
        return exchange.holdingBody
    }

    /// The held body ended, or outgrew the hold: the upstream is chosen now (true), and the
    /// client is not read again until it is attached. False when no body was held.
    mutating func stopHoldingBody() -> Bool {
        guard case .acquiring(var exchange) = self.state, exchange.holdingBody else { return false }
        exchange.holdingBody = false
        self.state = .acquiring(exchange)
        return true
    }

    mutating func respondLocally(keepAlive: Bool, drainable: Bool, closeRequested: Bool) -> HeadAction {
        precondition(self.state == .idle, "request head while \(self.state)")
        self.state = .responding(.local())
        if !keepAlive || !drainable || closeRequested { self.closeAfterExchange = true }
        return .respond(closeAfter: self.closeAfterExchange)
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
        case .forwarding(var exchange):
            exchange.requestBytesSent = true
            self.state = .forwarding(exchange)
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
        switch self.state {
        case .acquiring(var exchange):
            exchange.requestEnded = true
            self.state = .acquiring(exchange)
            return .buffer
        case .forwarding(var exchange):
            exchange.requestEnded = true
            self.state = .forwarding(exchange)
            return .forward
        case .responding(var exchange):
            exchange.requestEnded = true
            self.state = .responding(exchange)
            if exchange.response == .ended { return self.completeExchange() }
            return .none
        case .idle, .tunnelling, .closed:
            return .none
        }
    }

    /// The request was ended by the client closing its side, a protocol error or a timeout.
    mutating func clientFailed() -> ClientFailureAction {
        let previous = self.phase
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
        guard case .acquiring(var exchange) = self.state else { return .release }
        exchange.upstreamAttempts += 1
        exchange.upstreamWasReused = reused
        self.state = .forwarding(exchange)
        return .sendRequest(end: exchange.requestEnded)
    }

    /// The head (and buffered body) write to the upstream succeeded. (Its callback may come after
    /// a failure sent the exchange back to acquiring: the bytes did leave.)
    mutating func requestHeadWritten() {
        self.update { $0.requestBytesSent = true }
    }

    /// Whether the outcome of the head write changes anything: for a safe replay it does not
    /// (a failed write and a failure after it are retried alike), so the handler need not wait
    /// for it — no promise per request on the common path.
    var headWriteOutcomeMatters: Bool {
        !(self.exchange?.isSafeReplay ?? false)
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
        var exchange: Exchange
        let attached: Bool
        switch self.state {
        case .acquiring(let current):
            exchange = current
            attached = false
        case .forwarding(let current):
            exchange = current
            attached = true
        case .tunnelling:
            self.state = .closed
            return .closeClient
        case .idle, .responding, .closed:
            return .none
        }
        if exchange.response != .none {
            self.state = .closed
            return .closeClient
        }
        let nothingSent = !bytesMayHaveReachedUpstream && !exchange.requestBytesSent
        if attached, exchange.upstreamAttempts + exchange.failedAcquisitions < maxAttempts,
            nothingSent || exchange.isSafeReplay
        {
            exchange.requestBytesSent = false
            self.state = .acquiring(exchange)
            return .retry
        }
        // Answer with an error page. The request body may still be arriving: close afterwards.
        self.state = .responding(exchange)
        self.closeAfterExchange = true
        return .respondError(closeAfter: true)
    }

    /// No server of the group can be tried (every one is out, each until its back-off ends): 502,
    /// whatever tries are left.
    mutating func noUpstreamAvailable() -> UpstreamFailureAction {
        guard case .acquiring(let exchange) = self.state else { return .none }
        self.state = .responding(exchange)
        self.closeAfterExchange = true
        return .respondError(closeAfter: true)
    }

    /// Connecting failed or timed out (no byte sent): another server of the group is tried once
    /// (two tries in all) when the group has one, else 502.
    mutating func acquireFailed() -> UpstreamFailureAction {
        guard case .acquiring(var exchange) = self.state else { return .none }
        let maxAttempts = exchange.replayableElsewhere ? 2 : 1
        exchange.failedAcquisitions += 1
        if exchange.upstreamAttempts + exchange.failedAcquisitions < maxAttempts {
            self.state = .acquiring(exchange)
            return .retry
        }
        self.state = .responding(exchange)
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
            let asked = self.exchange?.webSocketUpgrade ?? false
            return asked && upgradesToWebSocket ? .beginTunnel : .refuseUpgrade
        }
        if (100..<200).contains(status) {
            return clientIsHTTP11 ? .forwardInformational : .dropInformational
        }
        return .forwardResponse(closeClient: self.closeAfterExchange || !self.requestEnded)
    }

    /// The upstream answered a request head that needs no tunnel. `keepAlive`: the upstream
    /// keeps its connection open after this response.
    mutating func responseHeadReceived(upstreamKeepAlive: Bool, closeClientAfter: Bool) {
        if closeClientAfter { self.closeAfterExchange = true }
        self.update { exchange in
            exchange.response = .started
            exchange.upstreamKeepAlive = upstreamKeepAlive
        }
    }

    /// The upstream's `101` accepted a WebSocket upgrade.
    mutating func tunnelEstablished() {
        self.state = .tunnelling
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
        guard var exchange = self.exchange else {
            // No exchange to complete (the connection is closing): nothing is reused.
            self.state = .closed
            return ResponseEndAction(reuseUpstream: false, next: .closeClient)
        }
        exchange.response = .ended
        if exchange.requestEnded {
            // After a refused upgrade the upstream may have stopped reading HTTP: never reused.
            let reuse = exchange.upstreamKeepAlive && !exchange.webSocketUpgrade
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
        guard case .responding(var exchange) = self.state else {
            return self.phase == .closed && self.closeAfterExchange ? .exchangeComplete(close: true) : .none
        }
        exchange.response = .ended
        self.state = .responding(exchange)
        if exchange.requestEnded || self.closeAfterExchange { return self.completeExchange() }
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

    /// Changes the exchange in progress, if there is one, in its state.
    private mutating func update(_ change: (inout Exchange) -> Void) {
        switch self.state {
        case .acquiring(var exchange):
            change(&exchange)
            self.state = .acquiring(exchange)
        case .forwarding(var exchange):
            change(&exchange)
            self.state = .forwarding(exchange)
        case .responding(var exchange):
            change(&exchange)
            self.state = .responding(exchange)
        case .idle, .tunnelling, .closed:
            break
        }
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
        self.closeAfterExchange = true
        switch self.state {
        case .idle:
            self.state = .responding(.local(requestEnded: true))
            return .respond(dropUpstream: false)
        case .acquiring(var exchange), .forwarding(var exchange):
            exchange.requestEnded = true
            if exchange.response == .none {
                self.state = .responding(exchange)
                return .respond(dropUpstream: true)
            }
            self.state = .closed
            return .close(dropUpstream: true)
        case .tunnelling:
            self.state = .closed
            return .close(dropUpstream: true)
        case .responding, .closed:
            self.state = .closed
            return .close(dropUpstream: false)
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
        switch self.phase {
        case .idle: return true
        case .acquiring: return self.isHoldingBody
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
