import HTTPHead
import Logging
import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOSSL

/// One client connection's or HTTP/2 stream's exchanges: takes decoded requests one at a time
/// (pipelined ones wait in order), asks the ``RequestDecider``, then either forwards through a
/// pooled upstream connection with backpressure both ways or answers locally. All rules live in
/// ``ExchangeStateMachine``; this class performs its actions on its ``ClientSide`` (a channel
/// handler's context today), so no rule depends on a channel.
final class ClientExchange: RequestDecodingReceiver {
    private let environment: ProxyEnvironment
    private var machine = ExchangeStateMachine()
    /// Why the client end is about to close when it is the gateway's doing (``drainDeadlineReached()``).
    private var closeOutcome: String?
    /// The client end, held from ``attach(to:remoteAddress:decoder:)`` until ``detach()``.
    private var side: (any ClientSide)?
    /// The connection's request decoder (in front of the handler), asked after each exchange
    /// whether it holds bytes behind an upgrade request.
    private var decoder: RequestDecodingHandler?
    private var readPending = false
    private var idleTimer: DeadlineTimer?
    /// Armed while the client end takes no more bytes (made the first time it stops).
    private var sendTimer: DeadlineTimer?
    /// The connection closes once its writes are out (``closeAfterWrites()``).
    private var closingAfterWrites = false
    /// The client end closed (``clientClosed(outcome:)``).
    private var clientGone = false

    // The current exchange.
    private var exchangeID = 0
    /// What the exchange carries from its head to its end, reset as a whole when it ends.
    private var exchange = ExchangeData()
    private var upstream: UpstreamConnection?
    private var upstreamNeedsFlush = false
    /// Forwarded response bytes were written to the client and not flushed yet.
    private var clientNeedsFlush = false
    /// Bodies up to this size travel in the head's buffer (copied once, like nginx's buffers).
    private static let maxBodyCopiedWithHead = 8 * 1024
    /// Room in the upstream head's buffer for the request line's fixed parts and the fields the
    /// gateway adds (`Via`, `X-Forwarded-For`/`-Proto`/`-Host`, `X-Request-Id`, framing).
    private static let upstreamHeadAllowance = 384
    private var record = AccessLogRecord()
    /// Built once: a request head allocates, and an exchange is made per connection and per stream.
    private static let emptyHead = RequestHead(method: .GET, uri: "-", version: .http1_1, fields: RequestFields())
    private var clientIdentity: ForwardingHeaderPolicy.ClientIdentity?
    /// The peer, read once per connection (the channel getter checks the calling thread).
    private var remoteAddress: SocketAddress?
    /// What a load balancer's PROXY protocol header said (nil: none came).
    private var announced: ProxyProtocolAddresses?
    /// The client: the one a PROXY header named, else the peer.
    private var clientAddress: SocketAddress? { self.announced?.source ?? self.remoteAddress }
    private var recordOpen = false

    init(environment: ProxyEnvironment) {
        self.environment = environment
        environment.exchangeCensus?.exchangeCreated()
    }

    /// Only debug builds have a census (``ProxyServer``): a release build's is nil.
    deinit {
        self.environment.exchangeCensus?.exchangeFreed()
    }

    private var policy: ForwardingHeaderPolicy { self.environment.configuration.headerPolicy }

    // MARK: - Client side events

    /// The client end is ready. `decoder` is an HTTP/1.1 connection's request decoder, nil for
    /// an HTTP/2 stream (its frames arrive already split).
    /// `identity`, when given, is the peer's as its connection already worked it out (an HTTP/2
    /// connection's streams share one).
    func attach(
        to side: any ClientSide,
        remoteAddress: SocketAddress?,
        decoder: RequestDecodingHandler?,
        identity: ForwardingHeaderPolicy.ClientIdentity? = nil
    ) {
        self.side = side
        self.remoteAddress = remoteAddress
        self.announced = self.environment.announced
        self.clientIdentity = identity
        // An HTTP/2 stream is not a connection: its connection is counted once, by its pipeline,
        // and idles under its connection's timeout.
        if !self.environment.isHTTP2Stream {
            self.decoder = decoder
            self.decoder?.receiver = self
            self.environment.metrics.clientConnections.increment()
            self.idleTimer = DeadlineTimer(eventLoop: side.eventLoop) { self.idleTimeoutExpired() }
        }
        self.armIdleTimer()
    }

    /// The client end is gone (its handler left the pipeline): nothing is written to it any more.
    func detach() {
        if !self.environment.isHTTP2Stream { self.environment.metrics.clientConnections.decrement() }
        self.cancelTimers()
        self.side = nil
        self.decoder?.receiver = nil
        self.decoder = nil
    }

    func requestHeadDecoded(_ head: RequestHead, framing: MessageFraming) {
        self.received(.head(head, framing))
    }

    func requestPartDecoded(_ part: RequestPart) {
        switch part {
        case .head(let head):
            // From the pipeline (an HTTP/2 stream's translated head): no parser decided its
            // framing, so it is read from its fields.
            self.received(.head(head, ForwardingHeaderPolicy.requestFraming(head)))
        case .body(let buffer):
            self.received(.body(buffer))
        case .end(let trailers):
            self.received(.end(trailers))
        }
    }

    /// Handles the event now, or leaves it waiting in the machine behind the exchange in progress.
    private func received(_ event: RequestEvent) {
        if let event = self.machine.received(event) { self.handle(event) }
    }

    /// The client's read cycle ended: request bytes written upstream meanwhile leave now.
    func clientReadComplete() {
        if self.upstreamNeedsFlush {
            self.upstreamNeedsFlush = false
            self.upstream?.handler.flush()
        }
    }

    /// The client end would read more: true when the rules allow it now; otherwise the read
    /// waits until they do (``ClientSide/read()``).
    func readRequested() -> Bool {
        if self.mayRead { return true }
        self.readPending = true
        return false
    }

    func clientWritabilityChanged(isWritable: Bool) {
        self.upstream?.handler.setReadAllowed(isWritable)
        // A client that reads nothing for the idle time is gone (nginx's `send_timeout`): its
        // connection and the upstream's waiting behind it are let go. A connection closing after
        // its writes keeps the clock running: progress only starts it again.
        if isWritable && !self.closingAfterWrites {
            self.sendTimer?.disarm()
        } else {
            self.armSendTimer()
        }
    }

    private func armSendTimer() {
        guard let side = self.side else { return }
        if self.sendTimer == nil {
            self.sendTimer = DeadlineTimer(eventLoop: side.eventLoop) { self.sendTimeoutExpired() }
        }
        self.sendTimer?.arm(in: self.environment.configuration.timeouts.clientIdle)
    }

    /// The drain time ran out: the close that follows is the gateway's.
    func drainDeadlineReached() {
        self.closeOutcome = "drain_timeout"
    }

    /// The client end closed; `outcome` is what the access log says of an exchange it cut short:
    /// the caller's reason, else the drain's if it was the drain that closed, else the client's doing.
    func clientClosed(outcome: String? = nil) {
        self.clientGone = true
        self.cancelTimers()
        let action = self.machine.clientFailed()
        if let connection = self.upstream {
            self.upstream = nil
            connection.handler.delegate = nil
            self.environment.upstreams.release(connection, reusable: action == .none)
        }
        if self.recordOpen {
            self.record.outcome = outcome ?? self.closeOutcome ?? "client_closed"
            self.emitRecord()
        }
    }

    /// A load balancer's PROXY header came: the client it named is the peer from now on (for
    /// X-Forwarded-For, the trusted-proxy check and the access log); a header that named none
    /// leaves the balancer, untrusted (``ForwardingHeaderPolicy/identify(peer:announced:)``).
    func clientAddressAnnounced(_ addresses: ProxyProtocolAddresses) {
        self.announced = addresses
        self.clientIdentity = nil
    }

    /// Graceful shutdown: an idle client end closes now, a busy one after its exchange.
    func quiesce() {
        if self.machine.quiesce() {
            self.closeAfterWrites()
        }
    }

    func requestHeadStarted() {
        self.idleTimer?.disarm()
    }

    /// An error from the client end: a refused request is answered, anything else closes.
    func clientError(_ error: Error) {
        guard let rejection = error as? RequestRejection else {
            self.environment.logger.debug("client connection error", metadata: ["error": "\(error)"])
            self.side?.close()
            return
        }
        self.requestRejected(rejection)
    }

    func requestRejected(_ rejection: RequestRejection) {
        self.received(.rejection(rejection))
    }

    // MARK: - Request side

    private func handle(_ event: RequestEvent) {
        switch event {
        case .head(let head, let framing):
            self.handleHead(head, framing: framing)
        case .body(let buffer):
            self.handleBody(buffer)
        case .end(let trailers):
            self.handleEnd(trailers: trailers)
        case .rejection(let rejection):
            self.processRejection(rejection)
        }
    }

    private func handleHead(_ head: RequestHead, framing: MessageFraming) {
        guard let side = self.side else { return }
        self.idleTimer?.disarm()
        self.exchangeID &+= 1
        self.exchange.clientHead = head
        let client = self.identity()
        let fields = RequestFieldSummary(head.fields)
        self.startRecord(head, fields: fields, client: client)
        self.exchange.requestFraming = framing
        let limits = self.environment.configuration.limits
        let traits = RequestTraits(
            head: head,
            framing: framing,
            maxDrainBytes: limits.maxDrainBytes,
            maxHeldBodyBytes: limits.maxHeldBodyBytes,
            fromHTTP2Stream: self.environment.isHTTP2Stream,
            connection: fields.connection
        )

        if head.method == .CONNECT {
            // NIO's encoder never sends a body after a CONNECT: answer with an empty one.
            var response = GatewayErrorPage.response(.methodNotAllowed)
            response.body = ByteBuffer()
            response.closeConnection = true
            self.respondLocally(response, keepAlive: false, drainable: false)
            return
        }
        let request = InboundRequest(
            head: head,
            remoteAddress: self.clientAddress,
            isTLS: self.environment.isTLS,
            requestID: self.record.requestID
        )
        switch self.environment.decider.decide(request) {
        case .forward(let decided, let tags):
            self.record.tags = tags
            self.exchange.webSocket = ForwardingHeaderPolicy.isWebSocketUpgrade(head, connection: fields.connection)
            // Sized for the client's fields and the gateway's own (`Via`, `X-Forwarded-*`, the
            // request ID): a browser's head outgrew a fixed 512 bytes, and the buffer was copied.
            var upstreamHead = self.environment.headBuffers.take(
                capacity: head.uri.utf8.count + fields.fieldLineBytes + Self.upstreamHeadAllowance,
                allocator: side.allocator
            )
            self.policy.writeUpstreamRequestHead(
                decided,
                framing: framing,
                client: client,
                isTLS: self.environment.isTLS,
                webSocket: self.exchange.webSocket,
                requestID: self.record.requestID,
                into: &upstreamHead
            )
            self.exchange.upstreamHead = upstreamHead
            self.exchange.upstreamGroup = self.environment.upstreams.group(named: tags.upstreamGroup)
            let action = self.machine.forwardRequest(
                keepAlive: traits.keepAlive,
                hasBody: traits.hasBody,
                idempotent: traits.idempotent,
                webSocketUpgrade: self.exchange.webSocket,
                groupHasOtherServers: self.environment.upstreams.serverCount(group: self.exchange.upstreamGroup) > 1,
                holdBody: traits.holdableBody && !self.exchange.webSocket
            )
            if action == .holdBody {
                self.armBodyReadTimer()
            } else {
                self.acquireUpstream()
            }
        case .respond(let response, let tags):
            self.record.tags = tags
            // A stream is not kept for another request: after a local answer, the rest of its body
            // is refused (RST_STREAM NO_ERROR, RFC 9113 §8.1), not read.
            let drainable = traits.drainable && !(self.environment.isHTTP2Stream && traits.hasBody)
            self.respondLocally(response, keepAlive: traits.keepAlive, drainable: drainable)
        }
    }

    private func handleBody(_ buffer: ByteBuffer) {
        self.record.bytesIn += buffer.readableBytes
        switch self.machine.requestBodyPart() {
        case .buffer:
            self.exchange.bufferedBodyBytes += buffer.readableBytes
            self.exchange.bufferedBody.append(buffer)
            if self.machine.isHoldingBody {
                if self.exchange.bufferedBodyBytes > self.environment.configuration.limits.maxHeldBodyBytes {
                    // Too large to hold: the rest streams, read as the upstream takes it.
                    self.releaseHeldRequest()
                } else {
                    self.armBodyReadTimer()
                }
            }
        case .forward:
            self.upstream?.handler.writeBody(buffer)
            self.upstreamNeedsFlush = true
        case .discard:
            // Draining after a local answer: each part the client sends gives it the idle time again.
            if self.machine.isDrainingRequestBody { self.armIdleTimer() }
        }
    }

    private func handleEnd(trailers: HTTPHeaders?) {
        // Trailers travel only where the upstream request is chunked (it is iff the client's was).
        self.exchange.requestTrailers = trailers
        switch self.machine.requestEnd() {
        case .buffer:
            // A held body is whole (and well-formed, else a rejection would have come instead).
            if self.machine.isHoldingBody { self.releaseHeldRequest() }
        case .none:
            break
        case .forward:
            self.upstream?.handler.writeEnd(trailers: self.exchange.requestTrailers)
            self.upstream?.handler.flush()
            self.upstreamNeedsFlush = false
        case .exchangeComplete(let close):
            self.finishExchange(close: close)
        }
        self.resumeReading()
    }

    private func processRejection(_ rejection: RequestRejection) {
        if self.machine.phase == .idle {
            self.exchangeID &+= 1
            self.startRecord(nil, fields: nil, client: nil)
            // No line at all (a timeout before one came) is `"-"`, as in nginx.
            self.record.readRefusedRequestLine(rejection.requestLine ?? [])
        }
        self.record.outcome = "rejected: \(rejection.reason)"
        switch self.machine.requestRejected() {
        case .respond(let dropUpstream):
            if dropUpstream { self.dropUpstream() }
            self.writeLocalResponse(GatewayErrorPage.response(rejection.status), close: true)
            if case .exchangeComplete(let close) = self.machine.localResponseWritten() {
                self.finishExchange(close: close)
            }
        case .close(let dropUpstream):
            if dropUpstream { self.dropUpstream() }
            self.closeAfterWrites()
        }
    }

    // MARK: - Local responses

    private func respondLocally(_ response: GatewayResponse, keepAlive: Bool, drainable: Bool) {
        let action = self.machine.respondLocally(
            keepAlive: keepAlive,
            drainable: drainable,
            closeRequested: response.closeConnection
        )
        guard case .respond(let closeAfter) = action else { return }
        self.writeLocalResponse(response, close: closeAfter)
        switch self.machine.localResponseWritten() {
        case .exchangeComplete(let close):
            self.finishExchange(close: close)
        default:
            // The rest of the body is read and discarded, under the idle timeout: a client that
            // stops sending it does not hold the connection (nginx's `lingering_timeout`).
            if self.machine.isDrainingRequestBody { self.armIdleTimer() }
            self.resumeReading()
        }
    }

    private func writeLocalResponse(_ response: GatewayResponse, close: Bool) {
        guard let side = self.side else { return }
        let method = self.exchange.clientHead?.method
        let head = LocalResponseHead.make(
            response,
            requestMethod: method,
            version: self.exchange.clientHead?.version ?? .http1_1,
            close: close,
            requestID: self.record.requestID,
            strictTransportSecurity: self.environment.strictTransportSecurity
        )
        self.record.status = response.status.code
        let sendsBody = LocalResponseHead.sendsBody(response, requestMethod: method)
        if sendsBody { self.record.bytesOut += response.body.readableBytes }
        if self.environment.isHTTP2Stream {
            side.write(streamPart: .head(HTTP2ResponseTranslator.headers(of: head), informational: false))
            if sendsBody { side.write(streamPart: .body(response.body)) }
            side.write(streamPart: .end(trailers: nil))
            side.flush()
            return
        }
        var out = self.environment.headBuffers.take(capacity: 256, allocator: side.allocator)
        WireEncoding.writeResponseHead(head, into: &out)
        side.write(bytes: out)
        self.environment.headBuffers.giveBack(out)
        if sendsBody { side.write(bytes: response.body) }
        side.flush()
    }

    private func writeError(_ status: HTTPResponseStatus) {
        self.writeLocalResponse(GatewayErrorPage.response(status), close: true)
        if case .exchangeComplete(let close) = self.machine.localResponseWritten() {
            self.finishExchange(close: close)
        }
    }

    // MARK: - Upstream side

    /// The held request goes upstream: its head, the body read so far and, if it came, its end.
    private func releaseHeldRequest() {
        guard self.machine.stopHoldingBody() else { return }
        self.idleTimer?.disarm()
        self.acquireUpstream()
    }

    /// While a body is held no upstream waits for it, so the client's silence is timed here: the
    /// same time from its last body bytes as once they go upstream (408, `client_body_timeout`).
    private func armBodyReadTimer() {
        self.idleTimer?.arm(in: self.environment.configuration.timeouts.upstreamResponse)
    }

    private func acquireUpstream() {
        let id = self.exchangeID
        if self.record.upstreamStarted == nil { self.record.upstreamStarted = .now() }
        let upstreams = self.environment.upstreams
        guard
            let server = upstreams.choose(
                group: self.exchange.upstreamGroup,
                tenant: self.record.tags.tenant,
                avoiding: self.exchange.upstreamServer
            )
        else {
            // Every server of the group is out (each is tried again after its back-off).
            self.record.outcome = "upstream_unavailable"
            if case .respondError = self.machine.noUpstreamAvailable() {
                self.writeError(.badGateway)
            }
            return
        }
        self.exchange.upstreamServer = server
        let pool = upstreams.pools[server]
        if let lease = pool.leaseIdle() {
            self.upstreamAcquired(.success(lease), exchange: id)
            return
        }
        pool.acquire().assumeIsolated().whenComplete { result in
            self.upstreamAcquired(result, exchange: id)
        }
    }

    private func upstreamAcquired(_ result: Result<UpstreamConnectionPool.Lease, Error>, exchange id: Int) {
        switch result {
        case .success(let lease):
            guard id == self.exchangeID, let side = self.side, let head = self.exchange.upstreamHead else {
                self.environment.upstreams.release(lease.connection, reusable: true)
                return
            }
            switch self.machine.upstreamAttached(reused: lease.reused) {
            case .release:
                self.environment.upstreams.release(lease.connection, reusable: true)
            case .sendRequest(let end):
                let connection = lease.connection
                self.upstream = connection
                self.exchange.upstreamReused = lease.reused
                connection.handler.delegate = self
                connection.handler.setReadAllowed(side.isWritable)
                // The write's outcome is waited for only where it decides a retry.
                let headWritten =
                    self.machine.headWriteOutcomeMatters ? side.eventLoop.makePromise(of: Void.self) : nil
                connection.handler.writeHead(
                    head,
                    isHEAD: self.exchange.clientHead?.method == .HEAD,
                    chunked: self.exchange.requestFraming == .chunked,
                    promise: headWritten
                )
                for buffer in self.exchange.bufferedBody {
                    connection.handler.writeBody(buffer)
                }
                if end { connection.handler.writeEnd(trailers: self.exchange.requestTrailers) }
                connection.handler.flush()
                connection.handler.armResponseHeadDeadline(
                    in: self.environment.configuration.timeouts.upstreamResponse
                )
                guard let headWritten else {
                    // A safe replay has no body to keep for a retry.
                    self.resumeReading()
                    return
                }
                headWritten.futureResult.assumeIsolated().whenComplete { result in
                    guard id == self.exchangeID, self.upstream === connection else { return }
                    switch result {
                    case .success:
                        self.machine.requestHeadWritten()
                        self.exchange.bufferedBody.removeAll()
                        self.exchange.bufferedBodyBytes = 0
                        self.resumeReading()
                    case .failure:
                        self.upstreamFailure(bytesMayHaveReachedUpstream: false, status: .badGateway)
                    }
                }
            }
        case .failure(let error):
            guard id == self.exchangeID else { return }
            if error is NIOSSLError || error is BoringSSLError {
                // A certificate that does not verify is the operator's to fix: say why, as nginx does.
                self.environment.logger.error("upstream TLS handshake failed", metadata: ["error": "\(error)"])
            } else {
                self.environment.logger.debug("upstream connect failed", metadata: ["error": "\(error)"])
            }
            let upstreams = self.environment.upstreams
            // Waiting for a free connection of a busy pool is no fault of the server.
            if !(error is UpstreamConnectionPool.PoolError), let server = self.exchange.upstreamServer {
                upstreams.recordFailure(server, kind: "connect")
            }
            switch self.machine.acquireFailed() {
            case .retry:
                self.acquireUpstream()
            case .respondError:
                self.record.outcome = "upstream_unreachable"
                self.writeError(.badGateway)
            default:
                break
            }
        }
    }

    /// `outcome` is the access log's word for the failure where the status alone does not name it
    /// (a client's timeout, an upstream that fell silent mid-body).
    private func upstreamFailure(
        bytesMayHaveReachedUpstream: Bool,
        status: HTTPResponseStatus,
        allowRetry: Bool = true,
        outcome: String? = nil
    ) {
        self.upstream?.handler.disarmResponseDeadline()
        self.dropUpstream()
        let action = self.machine.upstreamFailed(
            bytesMayHaveReachedUpstream: bytesMayHaveReachedUpstream,
            retryAllowed: allowRetry
        )
        switch action {
        case .retry:
            self.acquireUpstream()
        case .respondError:
            self.record.outcome = outcome ?? (status == .gatewayTimeout ? "upstream_timeout" : "upstream_failed")
            self.writeError(status)
        case .closeClient:
            // What was relayed is flushed before the close (which drops writes not yet flushed: an
            // upstream's bad chunk read with the head left the client nothing at all) — what the
            // socket takes now, not waiting on a client that may never read; the log line is
            // written first, so the close that follows is not taken for the client's.
            self.record.outcome = outcome ?? "upstream_failed_mid_response"
            self.emitRecord()
            self.side?.flush()
            if self.exchange.responseFraming == .untilClose {
                // A body delimited by the close would end like a complete one (an HTTP/1.0
                // client's, of a chunked or close-delimited upstream response): a reset says it is not.
                self.side?.abort()
            } else {
                self.side?.close()
            }
        case .none:
            break
        }
    }

    /// Closes the leased upstream connection (it holds a partial exchange).
    private func dropUpstream() {
        guard let connection = self.upstream else { return }
        self.upstream = nil
        connection.handler.delegate = nil
        self.environment.upstreams.release(connection, reusable: false)
    }

    // MARK: - Exchange end

    /// Ends a forwarded response's body in its framing and flushes.
    private func writeEnd(trailers: ByteBuffer?) {
        guard let side = self.side else { return }
        if self.environment.isHTTP2Stream {
            side.write(streamPart: .end(trailers: trailers.map(HTTP2ResponseTranslator.trailers)))
            self.clientNeedsFlush = false
            side.flush()
            return
        }
        self.writeHeldResponse()
        if self.exchange.responseFraming == .chunked {
            var out = side.allocator.buffer(capacity: 5 + (trailers?.readableBytes ?? 0))
            WireEncoding.writeLastChunk(trailers: trailers, into: &out)
            side.write(bytes: out)
        }
        self.clientNeedsFlush = false
        side.flush()
    }

    /// Closes once everything written so far has left (``ClientSide/closeAfterWrites()``).
    /// The last bytes too get the client idle time to leave: below the write watermark the
    /// connection stays writable while they wait behind full kernel buffers for a client that
    /// reads nothing, and the close would wait for ever.
    private func closeAfterWrites() {
        self.closingAfterWrites = true
        self.side?.closeAfterWrites()
        // Most closes are done by now (their bytes left at once): no timer for them.
        if !self.clientGone { self.armSendTimer() }
    }

    private func finishExchange(close: Bool) {
        self.upstream?.handler.disarmResponseDeadline()
        self.emitRecord()
        // The head went upstream long before the response ended: its buffer serves the next one.
        if let upstreamHead = self.exchange.upstreamHead { self.environment.headBuffers.giveBack(upstreamHead) }
        self.exchange = ExchangeData()
        if close {
            self.machine.dropQueued()
            self.closeAfterWrites()
            return
        }
        self.armIdleTimer()
        while let event = self.machine.nextQueued() { self.handle(event) }
        // After an upgrade request that did not become a tunnel, the decoder held what the client
        // sent next: HTTP continues with it.
        if let decoder = self.decoder, decoder.isAwaitingUpgradeOutcome {
            decoder.upgradeRefused()
        }
        self.resumeReading()
    }

    // MARK: - Reading

    private var mayRead: Bool {
        self.machine.mayReadClient(upstreamWritable: self.upstream?.channel.isWritable ?? true)
    }

    private func resumeReading() {
        guard self.readPending, self.mayRead, let side = self.side else { return }
        self.readPending = false
        side.read()
    }

    private func identity() -> ForwardingHeaderPolicy.ClientIdentity {
        if let identity = self.clientIdentity { return identity }
        let identity = self.policy.identify(peer: self.remoteAddress, announced: self.announced)
        self.clientIdentity = identity
        return identity
    }

    // MARK: - Timers and logs

    private func armIdleTimer() {
        self.idleTimer?.arm(in: self.environment.configuration.timeouts.clientIdle)
    }

    private func sendTimeoutExpired() {
        guard let side = self.side, !side.isWritable || self.closingAfterWrites else { return }
        self.closeTimedOut(outcome: "client_send_timeout", sending: true)
    }

    private func idleTimeoutExpired() {
        if self.machine.isHoldingBody {
            // Nothing was sent upstream: the client is answered, as nginx's `client_body_timeout`.
            self.upstreamFailure(
                bytesMayHaveReachedUpstream: false,
                status: .requestTimeout,
                allowRetry: false,
                outcome: "client_body_timeout"
            )
        } else if self.machine.isDrainingRequestBody {
            self.closeTimedOut(outcome: "client_body_timeout")
        } else if self.machine.phase == .idle && self.machine.queuedEvents == 0 {
            self.closeTimedOut(outcome: nil)
        }
    }

    /// A client timeout passed: the exchange under way, if any, is logged with `outcome`, the
    /// upstream connection behind it let go, and the client's closed. `sending`: the client took
    /// nothing of what was written for the idle time (the send timeout).
    private func closeTimedOut(outcome: String?, sending: Bool = false) {
        if let outcome, self.recordOpen {
            self.record.outcome = outcome
            self.emitRecord()
        }
        self.dropUpstream()
        _ = self.machine.quiesce()
        if sending {
            self.side?.closeAfterSendTimeout()
        } else {
            self.side?.close()
        }
    }

    private func cancelTimers() {
        self.idleTimer?.cancel()
        self.sendTimer?.cancel()
        self.upstream?.handler.disarmResponseDeadline()
    }

    /// Opens the exchange's record: the request's fields for the access log, and its request ID
    /// (a trusted proxy's `X-Request-Id`, else a new one). `head` is nil for a request refused
    /// before its head was complete.
    private func startRecord(
        _ head: RequestHead?,
        fields: RequestFieldSummary?,
        client: ForwardingHeaderPolicy.ClientIdentity?
    ) {
        if self.recordOpen { self.emitRecord() }
        // Returned and stored, the record is moved into place; built here in a local and then
        // assigned, it was copied and the local destroyed.
        self.record = self.newRecord(head, fields: fields, client: client)
        self.recordOpen = true
    }

    private func newRecord(
        _ head: RequestHead?,
        fields: RequestFieldSummary?,
        client: ForwardingHeaderPolicy.ClientIdentity?
    ) -> AccessLogRecord {
        let started = NIODeadline.now()
        let clientAddress: String
        if let client {
            clientAddress =
                client.trusted ? self.policy.clientAddress(head ?? Self.emptyHead, client: client) : client.ip
        } else {
            clientAddress = self.clientAddress?.ipAddress ?? "-"
        }
        guard let head else {
            return AccessLogRecord(
                method: "-",
                target: "-",
                clientAddress: clientAddress,
                requestID: self.environment.requestIDs.next(),
                started: started
            )
        }
        let fields = fields ?? RequestFieldSummary(head.fields)
        // A trusted proxy's ID is kept, but not "-", the access log's mark for none.
        let keptID = client?.trusted == true ? fields.acceptableRequestID.flatMap { $0 == "-" ? nil : $0 } : nil
        return AccessLogRecord(
            method: head.method.rawValue,
            target: head.uri,
            receivedTarget: head.receivedTarget.flatMap { NonUTF8Target.receivedBytes(of: head.uri, in: $0) },
            version: self.environment.isHTTP2Stream ? HTTPVersion(major: 2, minor: 0) : head.version,
            fields: fields.logged,
            clientAddress: clientAddress,
            requestID: keptID ?? self.environment.requestIDs.next(),
            started: started
        )
    }

    private func emitRecord() {
        guard self.recordOpen else { return }
        self.recordOpen = false
        if self.environment.isHTTP2Stream {
            self.environment.metrics.http2Requests.increment()
        } else {
            self.environment.metrics.http1Requests.increment()
        }
        self.record.emit(to: self.environment.accessLog, metrics: self.environment.metrics)
        // The line is written: the request's field lines go back to the parser for the next head.
        self.record.fields = AccessLogFieldValues()
    }
}

// MARK: - Upstream delegate

extension ClientExchange: UpstreamResponseDelegate {
    func upstreamReceived(_ part: UpstreamResponseParser.Part) {
        guard let side = self.side, let clientHead = self.exchange.clientHead else { return }
        switch part {
        case .head(let head):
            let code = head.status
            if code == 101 || !head.isInformational, let server = self.exchange.upstreamServer {
                self.environment.upstreams.recordSuccess(server)
            }
            let closeClient: Bool
            switch self.machine.responseHeadArrived(
                status: code,
                upgradesToWebSocket: head.upgradeIsWebSocket,
                clientIsHTTP11: clientHead.version == .http1_1
            ) {
            case .beginTunnel:
                self.beginTunnel(head)
                return
            case .refuseUpgrade:
                self.upstreamFailure(
                    bytesMayHaveReachedUpstream: true,
                    status: .badGateway,
                    allowRetry: false,
                    outcome: "unexpected_101"
                )
                return
            case .dropInformational:
                return
            case .forwardInformational:
                self.passOn(head, to: clientHead, tunnel: false)
                return
            case .forwardResponse(let close):
                closeClient = close
            }
            self.upstream?.handler.timeBodyReads()
            if self.environment.isHTTP2Stream {
                self.streamResponseHead(head, to: clientHead, closeClient: closeClient, side: side)
                return
            }
            let smallBody = head.contentLength.map { $0 <= Self.maxBodyCopiedWithHead } ?? false
            var out = self.environment.headBuffers.take(
                capacity: head.bytes.readableBytes + 64 + (smallBody ? head.contentLength ?? 0 : 0),
                allocator: side.allocator
            )
            let framing = self.policy.writeClientResponseHead(
                head,
                requestMethod: clientHead.method,
                clientVersion: clientHead.version,
                closeClient: closeClient,
                tunnel: false,
                requestID: self.record.requestID,
                strictTransportSecurity: self.environment.strictTransportSecurity,
                into: &out
            )
            self.machine.responseHeadReceived(
                upstreamKeepAlive: head.isKeepAlive,
                closeClientAfter: closeClient || framing == .untilClose
            )
            self.record.status = UInt(code)
            self.exchange.responseFraming = framing
            if smallBody, case .length(let length) = framing, length > 0 {
                self.exchange.heldResponse = out
            } else {
                side.write(bytes: out)
                self.environment.headBuffers.giveBack(out)
            }
            self.clientNeedsFlush = true
        case .body(var buffer):
            if self.machine.phase == .tunnelling { return }
            self.record.bytesOut += buffer.readableBytes
            self.clientNeedsFlush = true
            if self.environment.isHTTP2Stream {
                side.write(streamPart: .body(buffer))
            } else if self.exchange.heldResponse != nil {
                self.exchange.heldResponse?.writeBuffer(&buffer)
            } else if self.exchange.responseFraming == .chunked {
                WireEncoding.writeChunk(buffer, allocator: side.allocator) {
                    side.write(bytes: $0)
                }
            } else {
                side.write(bytes: buffer)
            }
        case .end(let trailers):
            if self.machine.phase == .tunnelling {
                self.completeTunnel()
                return
            }
            let finished = NIODeadline.now()
            self.record.upstreamFinished = finished
            if let server = self.exchange.upstreamServer, let started = self.record.upstreamStarted {
                self.environment.upstreams.traffic.responded(server, duration: finished - started)
            }
            let action = self.machine.responseEnded()
            if let connection = self.upstream {
                self.upstream = nil
                self.environment.upstreams.release(connection, reusable: action.reuseUpstream)
            }
            self.writeEnd(trailers: trailers)
            switch action.next {
            case .exchangeComplete(let close):
                self.finishExchange(close: close)
            case .closeClient:
                self.finishExchange(close: true)
            }
        }
    }

    func upstreamReadComplete() {
        // A response that ended in this read was flushed with its end.
        guard self.clientNeedsFlush else { return }
        self.clientNeedsFlush = false
        self.writeHeldResponse()
        self.side?.flush()
    }

    /// Writes the held head (and the body bytes appended so far).
    private func writeHeldResponse() {
        guard let held = self.exchange.heldResponse else { return }
        self.exchange.heldResponse = nil
        self.side?.write(bytes: held)
        self.environment.headBuffers.giveBack(held)
    }

    func upstreamWritabilityChanged(isWritable: Bool) {
        self.resumeReading()
    }

    func upstreamClosed(error: Error?) {
        guard self.upstream != nil else { return }
        if let error {
            self.environment.logger.debug("upstream connection error", metadata: ["error": "\(error)"])
        }
        let invalidResponse = error as? UpstreamResponseParser.Failure
        let allowRetry = invalidResponse == nil
        if let invalidResponse, let server = self.exchange.upstreamServer {
            self.environment.upstreams.recordInvalidResponse(server, reason: invalidResponse.reason)
        }
        // A fresh connection closed before any response: the server reset it.
        if allowRetry, self.machine.response == .none, !self.exchange.upstreamReused,
            let server = self.exchange.upstreamServer
        {
            self.environment.upstreams.recordFailure(server, kind: "reset")
        }
        self.upstreamFailure(bytesMayHaveReachedUpstream: true, status: .badGateway, allowRetry: allowRetry)
    }

    /// The deadline armed when the request left passed without the response head, or the upstream
    /// sent nothing for as long in the middle of the body.
    func upstreamResponseTimedOut() {
        guard let upstream = self.upstream else { return }
        let clientStoppedSending = self.machine.exchange?.requestEnded == false && upstream.channel.isWritable
        if self.machine.response != .none {
            // The client has part of the response: its connection is closed, the response never
            // passed off as complete (nginx's `proxy_read_timeout` mid-body). With the request's
            // body unfinished and the upstream able to take more, the client is the one that went
            // quiet (an upstream that answers early may wait for the rest of the body).
            if !clientStoppedSending, let server = self.exchange.upstreamServer {
                self.environment.upstreams.recordTimeout(server)
            }
            self.upstreamFailure(
                bytesMayHaveReachedUpstream: true,
                status: .gatewayTimeout,
                allowRetry: false,
                outcome: clientStoppedSending ? "client_body_timeout" : "upstream_timeout_mid_response"
            )
            return
        }
        // The request's body is unfinished and the upstream could take more of it: the client
        // stopped sending (the deadline counts from the last body bytes written). That is the
        // client's timeout, 408 as nginx's `client_body_timeout` gives, not the upstream's fault.
        if clientStoppedSending {
            self.upstreamFailure(
                bytesMayHaveReachedUpstream: true,
                status: .requestTimeout,
                allowRetry: false,
                outcome: "client_body_timeout"
            )
            return
        }
        if let server = self.exchange.upstreamServer { self.environment.upstreams.recordTimeout(server) }
        self.upstreamFailure(bytesMayHaveReachedUpstream: true, status: .gatewayTimeout, allowRetry: false)
    }

    // MARK: - HTTP/2 stream

    /// The final response head of a forwarded response, as an HTTP/2 header block.
    private func streamResponseHead(
        _ head: UpstreamResponseHead,
        to clientHead: RequestHead,
        closeClient: Bool,
        side: any ClientSide
    ) {
        let (headers, framing) = self.streamHeaders(head, to: clientHead)
        self.machine.responseHeadReceived(
            upstreamKeepAlive: head.isKeepAlive,
            closeClientAfter: closeClient || framing == .untilClose
        )
        self.record.status = UInt(head.status)
        self.exchange.responseFraming = framing
        side.write(streamPart: .head(headers, informational: false))
        self.clientNeedsFlush = true
    }

    /// An upstream head as an HTTP/2 header block, with the fields and framing an HTTP/1.1 client
    /// would get (an interim head gets no request ID or HSTS: the selection leaves them out).
    private func streamHeaders(
        _ head: UpstreamResponseHead,
        to clientHead: RequestHead
    ) -> (HPACKHeaders, MessageFraming) {
        let selection = ClientResponseFieldSelection(
            head,
            requestMethod: clientHead.method,
            clientVersion: clientHead.version,
            tunnel: false,
            requestID: self.record.requestID,
            strictTransportSecurity: self.environment.strictTransportSecurity
        )
        let headers = HTTP2ResponseTranslator.headers(
            of: head,
            selection: selection,
            via: self.policy.viaValue(head.version)
        )
        return (headers, selection.framing)
    }

    // MARK: - Tunnel

    private func beginTunnel(_ head: UpstreamResponseHead) {
        guard let clientHead = self.exchange.clientHead else { return }
        self.upstream?.handler.disarmResponseDeadline()
        self.machine.tunnelEstablished()
        self.record.status = 101
        self.passOn(head, to: clientHead, tunnel: true)
    }

    /// Writes and flushes a head that is not the final response's (a `1xx`, or the `101` that
    /// opens a tunnel): no request ID, the connection kept.
    private func passOn(_ head: UpstreamResponseHead, to clientHead: RequestHead, tunnel: Bool) {
        guard let side = self.side else { return }
        if self.environment.isHTTP2Stream {
            let (headers, _) = self.streamHeaders(head, to: clientHead)
            side.write(streamPart: .head(headers, informational: true))
            side.flush()
            return
        }
        var out = side.allocator.buffer(capacity: head.bytes.readableBytes + 32)
        _ = self.policy.writeClientResponseHead(
            head,
            requestMethod: clientHead.method,
            clientVersion: clientHead.version,
            closeClient: false,
            tunnel: tunnel,
            requestID: nil,
            into: &out
        )
        side.write(bytes: out)
        side.flush()
    }

    /// After the upstream's 101 ended: swap both pipelines for a byte tunnel.
    private func completeTunnel() {
        guard let side = self.side, let connection = self.upstream else { return }
        self.upstream = nil
        self.emitRecord()
        self.environment.upstreams.detach(connection)
        // Bytes the client sent right after its upgrade request belong to the tunnel.
        let early = self.decoder?.upgradeAccepted()
        do {
            try side.spliceTunnel(
                to: connection,
                early: early,
                idleTimeout: self.environment.configuration.timeouts.tunnelIdle
            )
        } catch {
            self.environment.logger.debug("tunnel setup failed", metadata: ["error": "\(error)"])
            connection.channel.close(promise: nil)
            side.close()
            return
        }
    }
}
