import NIOCore
import NIOHPACK
import NIOHTTP1
import Testing

@testable import Proxy

/// One stream's request side without a connection: which parts reach the exchange, and when the
/// frames call for a refusal or a stream error instead.
@Suite struct HTTP2StreamRequestReaderTests {
    static let get = HPACKHeaders([
        (":method", "GET"), (":scheme", "https"), (":authority", "acme.s20.online"), (":path", "/customer/1"),
    ])

    static func post(contentLength: Int? = nil) -> HPACKHeaders {
        var headers = HPACKHeaders([
            (":method", "POST"), (":scheme", "https"), (":authority", "acme.s20.online"), (":path", "/api/hook"),
        ])
        if let contentLength { headers.add(name: "content-length", value: String(contentLength)) }
        return headers
    }

    static func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static func head(_ action: HTTP2StreamRequestReader.Action) -> HTTPRequestHead? {
        guard case .deliver(.head(let head), _) = action else { return nil }
        return head.httpRequestHead
    }

    @Test func aHeadThatEndsTheStreamIsDeliveredWithItsEnd() throws {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        let action = reader.headersReceived(Self.get, endStream: true)
        guard case .deliver(.head(let head), thenEnd: true) = action else {
            Issue.record("expected the head and the end, got \(action)")
            return
        }
        #expect(head.uri == "/customer/1")
        // The stream has ended: whatever follows is not the request's.
        #expect(reader.dataReceived(Self.bytes("x"), endStream: true) == .ignore)
        #expect(reader.headersReceived(Self.get, endStream: true) == .ignore)
    }

    @Test func aBodyOfTheDeclaredLengthIsDeliveredSliceBySlice() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        #expect(Self.head(reader.headersReceived(Self.post(contentLength: 5), endStream: false)) != nil)
        #expect(
            reader.dataReceived(Self.bytes("ab"), endStream: false) == .deliver(.body(Self.bytes("ab")), thenEnd: false)
        )
        #expect(reader.dataReceived(ByteBuffer(), endStream: false) == .ignore)
        #expect(
            reader.dataReceived(Self.bytes("cde"), endStream: true) == .deliver(.body(Self.bytes("cde")), thenEnd: true)
        )
    }

    @Test func anEmptyLastDataFrameEndsTheRequest() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = reader.headersReceived(Self.post(), endStream: false)
        #expect(
            reader.dataReceived(Self.bytes("abc"), endStream: false)
                == .deliver(.body(Self.bytes("abc")), thenEnd: false)
        )
        #expect(reader.dataReceived(ByteBuffer(), endStream: true) == .end(nil))
    }

    @Test func dataBeyondTheDeclaredLengthResetsTheStreamAndNothingMoreIsDelivered() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = reader.headersReceived(Self.post(contentLength: 3), endStream: false)
        #expect(
            reader.dataReceived(Self.bytes("abcd"), endStream: false)
                == .reset(reason: "DATA contradicts content-length")
        )
        #expect(reader.dataReceived(Self.bytes("e"), endStream: true) == .ignore)
    }

    @Test func aStreamEndingShortOfTheDeclaredLengthIsReset() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = reader.headersReceived(Self.post(contentLength: 10), endStream: false)
        #expect(
            reader.dataReceived(Self.bytes("abc"), endStream: false)
                == .deliver(.body(Self.bytes("abc")), thenEnd: false)
        )
        #expect(
            reader.dataReceived(Self.bytes("d"), endStream: true) == .reset(reason: "DATA contradicts content-length")
        )
    }

    @Test func trailersEndTheRequestWhenTheBodyIsComplete() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = reader.headersReceived(Self.post(contentLength: 2), endStream: false)
        _ = reader.dataReceived(Self.bytes("ab"), endStream: false)
        let action = reader.headersReceived(HPACKHeaders([("x-checksum", "7")]), endStream: true)
        #expect(action == .end(HTTPHeaders([("x-checksum", "7")])))
    }

    @Test func trailersAfterAShortBodyOrWithoutTheStreamsEndResetIt() {
        var short = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = short.headersReceived(Self.post(contentLength: 4), endStream: false)
        _ = short.dataReceived(Self.bytes("ab"), endStream: false)
        #expect(
            short.headersReceived(HPACKHeaders([("x-checksum", "7")]), endStream: true)
                == .reset(reason: "trailers without END_STREAM or short body")
        )
        var open = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = open.headersReceived(Self.post(), endStream: false)
        #expect(
            open.headersReceived(HPACKHeaders([("x-checksum", "7")]), endStream: false)
                == .reset(reason: "trailers without END_STREAM or short body")
        )
    }

    @Test func invalidTrailersResetTheStream() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        _ = reader.headersReceived(Self.post(), endStream: false)
        #expect(
            reader.headersReceived(HPACKHeaders([("X-Upper", "1")]), endStream: true)
                == .reset(reason: "invalid trailers")
        )
    }

    @Test func aHeadHTTP1CouldReadDifferentlyIsRefusedAndTheStreamSaysNothingMore() {
        var reader = HTTP2StreamRequestReader(limits: RequestLimits())
        var headers = Self.get
        headers.add(name: "transfer-encoding", value: "chunked")
        guard case .refuse(let rejection) = reader.headersReceived(headers, endStream: false) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(rejection.status == .badRequest)
        #expect(reader.dataReceived(Self.bytes("0\r\n\r\n"), endStream: true) == .ignore)
    }

    @Test func theConfiguredHeadLimitsApply() {
        var limits = RequestLimits()
        limits.maxRequestLineBytes = 8
        var reader = HTTP2StreamRequestReader(limits: limits)
        guard case .refuse(let rejection) = reader.headersReceived(Self.get, endStream: true) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(rejection.status == .uriTooLong)
    }
}
