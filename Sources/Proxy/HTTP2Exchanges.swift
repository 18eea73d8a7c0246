import NIOCore
import NIOHTTP2

/// Every stream of one HTTP/2 connection, handled on the connection's channel: swift-nio-http2's
/// handler without a multiplexer passes each frame with its stream ID, and each stream is an
/// ``HTTP2StreamSide`` around a ``ClientExchange`` — the rules of an HTTP/1.1 request, without a
/// child channel and its pipeline per stream.
///
/// Without the multiplexer nobody else sends WINDOW_UPDATE: the connection's window is topped up
/// here as DATA arrives, each stream's as its exchange takes the request body
/// (``HTTP2InboundWindow``). A stream's close (both ends done, a reset by either side, the
/// connection gone) detaches its exchange once the event that reported it has been handled, never
/// in the middle of a write the exchange is making.
final class HTTP2Exchanges: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let environment: ProxyEnvironment
    private let limits: RequestLimits
    private let streamWindow: Int
    private let lifecycle: HTTP2ConnectionLifecycleHandler
    private var connectionWindow: HTTP2InboundWindow
    private var streams: [HTTP2StreamID: HTTP2StreamSide] = [:]
    /// Streams that read in this read cycle, told when it ends.
    private var readStreams: [HTTP2StreamSide] = []
    /// Streams reported closed while this handler was calling into streams: their exchanges are
    /// told when those calls are done.
    private var closedStreams: [HTTP2StreamID] = []
    /// Streams reported closed from inside a write their own exchange was making (its upstream's
    /// response ending, say): told from a task of their own, once that call has returned.
    private var closedDuringWrites: [HTTP2StreamID] = []
    private var dispatching = 0
    /// In a read cycle of the connection: streams' flushes wait for its end (one flush, one TLS
    /// record for everything the cycle's frames made the streams write).
    private var reading = false
    private var flushNeeded = false
    /// A flush waits for the end of the event loop's pass (``flushForStream()``).
    private var flushScheduled = false
    private var context: ChannelHandlerContext?
    /// When a write of a stream last reached the socket (``writeProgressed()``).
    private var lastWriteProgress = NIODeadline.now()
    /// The peer, read once per connection (the channel getter checks the calling thread), and
    /// what the forwarding rules make of it, worked out once for all the streams.
    private var remoteAddress: SocketAddress?
    private lazy var identity = self.environment.configuration.headerPolicy.identify(
        peer: self.remoteAddress,
        announced: self.environment.announced
    )

    init(
        environment: ProxyEnvironment,
        limits: RequestLimits,
        streamWindow: Int,
        connectionWindow: Int,
        lifecycle: HTTP2ConnectionLifecycleHandler
    ) {
        self.environment = environment
        self.limits = limits
        self.streamWindow = streamWindow
        self.connectionWindow = HTTP2InboundWindow(target: connectionWindow)
        self.lifecycle = lifecycle
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.lastWriteProgress = .now()
        self.remoteAddress = context.channel.remoteAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.closeAll()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.reading = true
        let frame = Self.unwrapInboundIn(data)
        let id = frame.streamID
        guard id != .rootStream else { return }
        self.dispatch {
            if let stream = self.streams[id] {
                stream.frameReceived(frame.payload)
                self.noteRead(stream)
            } else if case .headers = frame.payload {
                self.environment.metrics.http2Streams.increment()
                self.lifecycle.streamCreated(id)
                let stream = HTTP2StreamSide(
                    streamID: id,
                    context: context,
                    connection: self,
                    remoteAddress: self.remoteAddress,
                    identity: self.identity,
                    environment: self.environment,
                    limits: self.limits,
                    targetWindow: self.streamWindow
                )
                self.streams[id] = stream
                stream.frameReceived(frame.payload)
                self.noteRead(stream)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let read = self.readStreams
        self.readStreams.removeAll(keepingCapacity: true)
        self.dispatch {
            for stream in read where !stream.isClosed { stream.connectionReadComplete() }
        }
        self.reading = false
        if self.flushNeeded {
            self.flushNeeded = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// The HTTP/2 handler's stream and window events are this handler's alone: they stop here.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let window as NIOHTTP2WindowUpdatedEvent:
            guard let size = window.inboundWindowSize else { return }
            if window.streamID == .rootStream {
                if let increment = self.connectionWindow.windowReported(size) {
                    let update = HTTP2Frame(
                        streamID: .rootStream,
                        payload: .windowUpdate(windowSizeIncrement: increment)
                    )
                    context.write(Self.wrapOutboundOut(update), promise: nil)
                    self.flushForStream()
                }
            } else if let stream = self.streams[window.streamID] {
                self.dispatch { stream.inboundWindowReported(size) }
            }
        case let closed as StreamClosedEvent:
            self.streamClosed(closed.streamID, reason: closed.reason)
        case is NIOHTTP2StreamCreatedEvent, is NIOHTTP2BulkStreamWindowChangeEvent:
            break
        case is DrainDeadlineReached:
            self.dispatch {
                for stream in self.streams.values { stream.drainDeadlineReached() }
            }
        case is ChannelShouldQuiesceEvent:
            // The connection's GOAWAY (``HTTP2ConnectionLifecycleHandler``, behind) goes first.
            context.fireUserInboundEventTriggered(event)
            self.dispatch {
                for stream in self.streams.values { stream.quiesce() }
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        self.dispatch {
            for stream in self.streams.values { stream.connectionWritabilityChanged(isWritable: writable) }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.closeAll()
        context.fireChannelInactive()
    }

    // MARK: - Streams

    /// A stream's write reached the socket: the client is taking the connection's bytes.
    func writeProgressed() {
        self.lastWriteProgress = .now()
    }

    /// A stream sent nothing for `idle` and was reset. When no write of any stream reached the
    /// socket in that time either and bytes still wait for it, the client reads nothing of the
    /// connection: it is closed, with every stream and the upstream requests behind them, as
    /// nginx closes an HTTP/2 connection on its `send_timeout`. (A stream could otherwise open
    /// at a moment the socket took a last few bytes and wait on its upstream, for a client that
    /// will never read the answer.) A client that reads the connection but keeps one stream's
    /// window shut loses that stream only.
    func streamSendTimedOut(idle: TimeAmount) {
        // Half the idle time: the stream's own clock started at its last change of writability,
        // which the completion of writes made before it may follow by a moment.
        guard let context, NIODeadline.now() - self.lastWriteProgress >= .nanoseconds(idle.nanoseconds / 2) else {
            return
        }
        let waiting = (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        guard waiting > 0 else { return }
        context.close(promise: nil)
    }

    private func noteRead(_ stream: HTTP2StreamSide) {
        if !self.readStreams.contains(where: { $0 === stream }) { self.readStreams.append(stream) }
    }

    /// Calls into streams; a close reported meanwhile waits until the calls are done.
    private func dispatch(_ body: () -> Void) {
        self.dispatching += 1
        body()
        self.dispatching -= 1
        guard self.dispatching == 0 else { return }
        while let id = self.closedStreams.popLast() { self.finishClosed(id) }
    }

    /// A flush a stream asked for: at the end of the read cycle in progress; else, while other
    /// streams are open, at the end of the event loop's pass over the sockets that are ready —
    /// their upstreams' answers read in the same pass leave together, one TLS record and one
    /// write for all of them instead of one each; else now.
    func flushForStream() {
        if self.reading {
            self.flushNeeded = true
        } else if self.streams.count > 1 {
            self.flushAfterThisPass()
        } else {
            self.context?.flush()
        }
    }

    /// The loop runs the tasks its I/O handling queued once every ready socket has been handled.
    private func flushAfterThisPass() {
        guard !self.flushScheduled, let context = self.context else { return }
        self.flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.context?.flush()
        }
    }

    private func streamClosed(_ id: HTTP2StreamID, reason: HTTP2ErrorCode?) {
        guard let stream = self.streams[id] else { return }
        stream.closedOnTheNetwork(reason: reason)
        if stream.writeDepth > 0, let context = self.context {
            // The exchange finishes what it is doing first.
            if self.closedDuringWrites.isEmpty {
                context.eventLoop.assumeIsolated().execute {
                    let closed = self.closedDuringWrites
                    self.closedDuringWrites.removeAll()
                    for id in closed { self.finishClosed(id) }
                }
            }
            self.closedDuringWrites.append(id)
        } else if self.dispatching > 0 {
            self.closedStreams.append(id)
        } else {
            self.finishClosed(id)
        }
    }

    private func finishClosed(_ id: HTTP2StreamID) {
        guard let stream = self.streams.removeValue(forKey: id) else { return }
        self.dispatch { stream.streamClosed() }
        self.lifecycle.streamClosed(id)
    }

    private func closeAll() {
        let ids = Array(self.streams.keys)
        self.closedStreams.removeAll()
        self.closedDuringWrites.removeAll()
        for id in ids { self.finishClosed(id) }
    }
}
