import NIOCore
import NIOEmbedded
import Testing

@testable import Proxy

/// Records, in order, what passes ``ProxyProtocolHandler``: activity, the addresses event, reads.
final class ProxyProtocolRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    var log: [String] = []
    var bytesRead: [UInt8] = []
    /// Closes the channel when the addresses event arrives (a client refused on its address).
    var closesOnEvent = false

    var events: [String] { self.log.filter { $0.hasPrefix("event") } }

    func channelActive(context: ChannelHandlerContext) {
        self.log.append("active")
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.log.append("inactive")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.log.append("read")
        self.bytesRead += buffer.readableBytesView
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let addresses = event as? ProxyProtocolAddresses else { return }
        let describe = { (address: SocketAddress?) in
            address.map { "\($0.ipAddress ?? "?"):\($0.port ?? -1)" } ?? "nil"
        }
        self.log.append("event \(describe(addresses.source)) \(describe(addresses.destination))")
        if self.closesOnEvent { context.close(promise: nil) }
    }
}

@Suite("ProxyProtocolHandler")
struct ProxyProtocolHandlerTests {
    static let trustedPeer = try! SocketAddress(ipAddress: "10.0.0.1", port: 1234)
    static let untrustedPeer = try! SocketAddress(ipAddress: "203.0.113.9", port: 1234)
    static let trustedProxies = [CIDRBlock("10.0.0.0/8"), CIDRBlock("2001:db8::/32")].compactMap { $0 }
    static let v1Header = Array("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n".utf8)
    static let v1Event = "event 192.0.2.1:56324 198.51.100.2:443"
    static let request = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)

    /// A channel whose pipeline is the handler then a recorder, connected from `peer` (the
    /// handler checks the peer when the channel becomes active).
    static func makeChannel(
        peer: SocketAddress? = trustedPeer,
        headerTimeout: TimeAmount = .seconds(5)
    ) throws -> (EmbeddedChannel, ProxyProtocolRecorder) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ProxyProtocolHandler(trustedProxies: Self.trustedProxies, headerTimeout: headerTimeout)
        )
        let recorder = ProxyProtocolRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        if let peer { channel.connect(to: peer, promise: nil) }
        return (channel, recorder)
    }

    static func handlerIsInPipeline(_ channel: EmbeddedChannel) -> Bool {
        (try? channel.pipeline.syncOperations.handler(type: ProxyProtocolHandler.self)) != nil
    }

    static func write(_ bytes: [UInt8], to channel: EmbeddedChannel) {
        // A closed EmbeddedChannel may refuse the write; what reached the recorder is what counts.
        _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    @Test func trustedPeerWithAHeaderGetsTheEventThenTheBytes() throws {
        let (channel, recorder) = try Self.makeChannel()
        Self.write(Self.v1Header + Self.request, to: channel)
        #expect(recorder.log == ["active", Self.v1Event, "read"])
        #expect(recorder.bytesRead == Self.request)
        #expect(!Self.handlerIsInPipeline(channel))
        #expect(channel.isActive)
        // Later bytes go straight to the next handler.
        Self.write(Array("more".utf8), to: channel)
        #expect(recorder.bytesRead == Self.request + Array("more".utf8))
        _ = try? channel.finish()
    }

    @Test func aHeaderAloneFiresTheEventAndNoRead() throws {
        let (channel, recorder) = try Self.makeChannel()
        Self.write(Self.v1Header, to: channel)
        #expect(recorder.log == ["active", Self.v1Event])
        #expect(!Self.handlerIsInPipeline(channel))
        Self.write(Self.request, to: channel)
        #expect(recorder.bytesRead == Self.request)
        _ = try? channel.finish()
    }

    @Test func v2AndLocalHeaders() throws {
        let source = ProxyProtocolTestEncoder.Endpoint(
            packed: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 12),
            port: 7
        )
        let destination = ProxyProtocolTestEncoder.Endpoint(packed: Array(repeating: 0, count: 15) + [1], port: 443)
        let (channel, recorder) = try Self.makeChannel()
        Self.write(ProxyProtocolTestEncoder.v2TCP(source: source, destination: destination) + Self.request, to: channel)
        #expect(recorder.log == ["active", "event 2001:db8:::7 ::1:443", "read"])
        #expect(recorder.bytesRead == Self.request)
        _ = try? channel.finish()

        // LOCAL (a balancer's health check): the event says the connection's own addresses stand.
        let (local, localRecorder) = try Self.makeChannel()
        Self.write(
            ProxyProtocolTestEncoder.v2(versionAndCommand: 0x20, familyAndTransport: 0x00, addressBlock: [])
                + Self.request,
            to: local
        )
        #expect(localRecorder.log == ["active", "event nil nil", "read"])
        #expect(localRecorder.bytesRead == Self.request)
        _ = try? local.finish()
    }

    @Test func trustedPeerWithoutAHeaderIsClosed() throws {
        let (channel, recorder) = try Self.makeChannel()
        Self.write(Self.request, to: channel)
        #expect(!channel.isActive)
        #expect(recorder.log == ["active", "inactive"])
        #expect(recorder.bytesRead.isEmpty)
        _ = try? channel.finish()
    }

    @Test func untrustedPeerIsClosedBeforeItSendsAnything() throws {
        let (channel, recorder) = try Self.makeChannel(peer: Self.untrustedPeer)
        #expect(!channel.isActive)
        #expect(recorder.log == ["active", "inactive"])
        Self.write(Self.v1Header + Self.request, to: channel)
        #expect(recorder.events.isEmpty && recorder.bytesRead.isEmpty)
        _ = try? channel.finish()
    }

    @Test func aChannelWithoutAPeerAddressIsNotTrusted() throws {
        let (channel, recorder) = try Self.makeChannel(peer: nil)
        Self.write(Self.v1Header + Self.request, to: channel)
        #expect(recorder.log == ["inactive"])
        _ = try? channel.finish()
    }

    @Test func addedToAnActiveChannelItChecksThePeerAtOnce() throws {
        for (peer, staysOpen) in [(Self.trustedPeer, true), (Self.untrustedPeer, false)] {
            let channel = EmbeddedChannel()
            channel.connect(to: peer, promise: nil)
            var seen: [SocketAddress?] = []
            try channel.pipeline.syncOperations.addHandler(
                ProxyProtocolHandler { peer in
                    seen.append(peer)
                    return peer == Self.trustedPeer
                }
            )
            #expect(seen == [peer])
            #expect(channel.isActive == staysOpen)
            _ = try? channel.finish()
        }
    }

    @Test func anInvalidHeaderIsClosed() throws {
        let announcingTooMuch = ProxyProtocolTestEncoder.v2(familyAndTransport: 0x11, addressBlock: [], length: 5000)
        for bytes in [Array("PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n".utf8), announcingTooMuch] {
            let (channel, recorder) = try Self.makeChannel()
            Self.write(bytes, to: channel)
            #expect(!channel.isActive)
            #expect(recorder.events.isEmpty && recorder.bytesRead.isEmpty)
            _ = try? channel.finish()
        }
    }

    @Test func aHeaderOverAnySplitGivesOneEventThenExactlyTheRest() throws {
        let v2 = ProxyProtocolTestEncoder.v2TCP(
            source: .init(packed: [192, 0, 2, 1], port: 56324),
            destination: .init(packed: [198, 51, 100, 2], port: 443),
            tlvs: [(0x01, Array("h2".utf8))]
        )
        for header in [Self.v1Header, v2] {
            let stream = header + Self.request
            for split in 0...stream.count {
                let (channel, recorder) = try Self.makeChannel()
                Self.write(Array(stream[..<split]), to: channel)
                Self.write(Array(stream[split...]), to: channel)
                #expect(recorder.events == [Self.v1Event], "\(split)")
                #expect(recorder.bytesRead == Self.request, "\(split)")
                #expect(channel.isActive)
                _ = try? channel.finish()
            }
            let (channel, recorder) = try Self.makeChannel()
            for byte in stream { Self.write([byte], to: channel) }
            #expect(recorder.events == [Self.v1Event])
            #expect(recorder.bytesRead == Self.request)
            _ = try? channel.finish()
        }
    }

    @Test func aHeaderNotCompleteInTimeIsClosed() throws {
        let (channel, recorder) = try Self.makeChannel(headerTimeout: .seconds(5))
        Self.write(Array(Self.v1Header.prefix(12)), to: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
        Self.write(Array(Self.v1Header.dropFirst(12)), to: channel)
        #expect(recorder.events.isEmpty)
        _ = try? channel.finish()

        // A connection that sends nothing at all is closed the same way.
        let (silent, _) = try Self.makeChannel(headerTimeout: .seconds(5))
        silent.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!silent.isActive)
        _ = try? silent.finish()
    }

    @Test func theTimeoutStopsOnceTheHeaderIsRead() throws {
        let (channel, recorder) = try Self.makeChannel(headerTimeout: .seconds(5))
        Self.write(Self.v1Header, to: channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        #expect(recorder.log == ["active", Self.v1Event])
        _ = try? channel.finish()
    }

    @Test func bytesAreNotPassedOnWhenTheEventClosedTheConnection() throws {
        let (channel, recorder) = try Self.makeChannel()
        recorder.closesOnEvent = true
        Self.write(Self.v1Header + Self.request, to: channel)
        #expect(recorder.log == ["active", Self.v1Event, "inactive"])
        #expect(recorder.bytesRead.isEmpty)
        _ = try? channel.finish()
    }
}
