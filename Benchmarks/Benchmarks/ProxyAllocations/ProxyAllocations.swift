import Benchmark
import Logging
import NIOCore
import NIOPosix
import Proxy

#if canImport(Glibc)
import Glibc
#endif

/// Heap allocations of one proxied request: a keep-alive client's `GET` through `ProxyServer` to an
/// upstream that answers 1 KiB, on one event loop. Everything of the request is counted: the
/// gateway's parsing, decision (forward all), pooled upstream connection, forwarding and response
/// (the Gate's own decision is counted in GateAllocations; the access log is off, its batches are
/// written by a thread on a timer). The client is a blocking socket that allocates nothing; the
/// upstream is a handler that writes one kept response. CI compares the count with the one
/// recorded in Thresholds/.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.mallocCountTotal],
        warmupIterations: 200,
        maxDuration: .seconds(2),
        maxIterations: 2_000,
        // Exactly the count recorded. A request's work on the event loop could end after the client
        // has read the response and so fall into the next iteration, but every iteration is one
        // whole request on one event loop, and the count is the same in all of them (p0 = p100).
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
    )

    let rig = ProxyRig()
    Benchmark(
        "proxy_GET_1KiB_keep_alive",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                rig.client.exchange()
            }
        },
        setup: { try await rig.start() },
        teardown: { await rig.stop() }
    )
}

/// The upstream, the proxy and the client of the benchmark.
final class ProxyRig {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var upstream: Channel?
    var proxy: ProxyServer?
    var client = BlockingHTTPClient()

    func start() async throws {
        let upstream = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FixedResponseHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.upstream = upstream
        guard let upstreamAddress = upstream.localAddress else { fatalError("the upstream has no address") }
        var logger = Logger(label: "proxy-allocations")
        logger.logLevel = .critical
        let proxy = ProxyServer(
            configuration: ProxyConfiguration(
                listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                upstream: upstreamAddress
            ),
            decider: ForwardAllDecider(),
            group: self.group,
            logger: logger
        )
        let address = try await proxy.start()
        self.proxy = proxy
        guard let port = address.port else { fatalError("the proxy has no port") }
        self.client.connect(port: port)
        // The response is checked once before counting, so that a benchmark of the wrong path fails.
        let status = self.client.exchange()
        precondition(status == 200, "proxy_GET_1KiB_keep_alive: status \(status), expected 200")
    }

    func stop() async {
        self.client.close()
        await self.proxy?.shutdown(drain: .zero)
        try? await self.upstream?.close()
        try? await self.group.shutdownGracefully()
    }
}

/// Answers every request head (a `GET` without a body, so `\r\n\r\n` ends it) with one 1 KiB response.
final class FixedResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let response: ByteBuffer = {
        let body = String(repeating: "x", count: 1_024)
        return ByteBuffer(
            string: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1024\r\n\r\n" + body
        )
    }()

    /// Bytes of `\r\n\r\n` matched so far.
    private var matched = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        var heads = 0
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                let expected: UInt8 = self.matched % 2 == 0 ? 13 : 10
                if byte == expected {
                    self.matched += 1
                    if self.matched == 4 {
                        heads += 1
                        self.matched = 0
                    }
                } else {
                    self.matched = byte == 13 ? 1 : 0
                }
            }
        }
        guard heads > 0 else { return }
        for _ in 0..<heads { context.write(self.wrapOutboundOut(Self.response), promise: nil) }
        context.flush()
    }
}

/// A keep-alive HTTP/1.1 client on a blocking socket, with buffers made once: it allocates nothing
/// per request, so every allocation counted is the gateway's or the upstream's.
struct BlockingHTTPClient {
    private var socket: Int32 = -1
    private let request: [UInt8] = Array(
        "GET /api/v1/lessons HTTP/1.1\r\nHost: acme.s20.online\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n".utf8
    )
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
    private static let contentLengthName: [UInt8] = Array("\r\ncontent-length:".utf8)

    mutating func connect(port: Int) {
        self.socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(self.socket >= 0, "socket: \(errno)")
        var one: Int32 = 1
        setsockopt(self.socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(self.socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        precondition(result == 0, "connect: \(errno)")
    }

    /// Sends the request and reads the whole response; returns its status.
    @discardableResult
    func exchange() -> Int {
        let sent = self.request.withUnsafeBytes { send(self.socket, $0.baseAddress, $0.count, 0) }
        precondition(sent == self.request.count, "send: \(errno)")
        var received = 0
        var bodyStart = -1
        var contentLength = -1
        while bodyStart < 0 || received < bodyStart + contentLength {
            let count = recv(self.socket, self.buffer.baseAddress! + received, self.buffer.count - received, 0)
            precondition(count > 0, "recv: \(count) \(errno)")
            received += count
            if bodyStart < 0, let end = self.headEnd(received) {
                bodyStart = end
                contentLength = self.contentLength(headEnd: end)
            }
        }
        precondition(received == bodyStart + contentLength, "more bytes than one response")
        // "HTTP/1.1 200": the status is bytes 9 to 11.
        return (Int(self.buffer[9]) - 48) * 100 + (Int(self.buffer[10]) - 48) * 10 + Int(self.buffer[11]) - 48
    }

    /// The offset after `\r\n\r\n`, if the head is complete.
    private func headEnd(_ received: Int) -> Int? {
        guard received >= 4 else { return nil }
        for index in 0...(received - 4)
        where self.buffer[index] == 13 && self.buffer[index + 1] == 10 && self.buffer[index + 2] == 13
            && self.buffer[index + 3] == 10
        {
            return index + 4
        }
        return nil
    }

    /// The `Content-Length` value in the head (case-insensitive name), without making a string.
    private func contentLength(headEnd: Int) -> Int {
        let name = Self.contentLengthName
        var index = 0
        while index + name.count < headEnd {
            var matches = true
            for offset in 0..<name.count {
                let byte = self.buffer[index + offset]
                let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
                if lower != name[offset] {
                    matches = false
                    break
                }
            }
            if matches {
                var value = 0
                var cursor = index + name.count
                while self.buffer[cursor] == 32 { cursor += 1 }
                while self.buffer[cursor] >= 48 && self.buffer[cursor] <= 57 {
                    value = value * 10 + Int(self.buffer[cursor]) - 48
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        preconditionFailure("no Content-Length in the response")
    }

    func close() {
        if self.socket >= 0 { Glibc.close(self.socket) }
    }
}
