import NIOCore
import NIOHPACK
import NIOHTTP2
import Testing

@testable import Proxy

/// One stream's response side without a connection: the frames a sequence of response parts
/// becomes, and that they are as few as the parts allow.
@Suite struct HTTP2ResponseFramerTests {
    /// A frame reduced to what the tests compare: its kind, its `:status` or body, END_STREAM.
    enum Frame: Equatable {
        case headers(status: String?, endStream: Bool)
        case data(String, endStream: Bool)
    }

    static func frame(_ payload: HTTP2Frame.FramePayload) -> Frame? {
        switch payload {
        case .headers(let headers):
            return .headers(status: headers.headers.first(name: ":status"), endStream: headers.endStream)
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else { return nil }
            return .data(String(buffer: buffer), endStream: data.endStream)
        default:
            return nil
        }
    }

    static func head(_ status: String) -> HPACKHeaders { HPACKHeaders([(":status", status)]) }

    /// Adds the parts; `release` lets the held ones go after the last (a flush).
    static func frames(_ parts: [HTTP2ResponsePart], release: Bool = false) -> [Frame?] {
        var framer = HTTP2ResponseFramer()
        var frames: [Frame?] = []
        for part in parts { framer.add(part) { frames.append(Self.frame($0)) } }
        if release { framer.releasePending { frames.append(Self.frame($0)) } }
        return frames
    }

    @Test func aBodylessResponseIsOneHeadersFrameThatEndsTheStream() {
        #expect(
            Self.frames([.head(Self.head("204"), informational: false), .end(trailers: nil)]) == [
                .headers(status: "204", endStream: true)
            ]
        )
    }

    @Test func aSmallResponseIsHeadersAndOneDataFrameCarryingTheEnd() {
        let frames = Self.frames([
            .head(Self.head("200"), informational: false), .body(ByteBuffer(string: "hello")), .end(trailers: nil),
        ])
        #expect(frames == [.headers(status: "200", endStream: false), .data("hello", endStream: true)])
    }

    @Test func theHeadAndTheLastSliceWaitForTheNextPartOrARelease() {
        #expect(Self.frames([.head(Self.head("200"), informational: false)]).isEmpty)
        let parts: [HTTP2ResponsePart] = [
            .head(Self.head("200"), informational: false), .body(ByteBuffer(string: "a")),
        ]
        #expect(Self.frames(parts) == [.headers(status: "200", endStream: false)])
        #expect(
            Self.frames(parts, release: true) == [
                .headers(status: "200", endStream: false), .data("a", endStream: false),
            ]
        )
    }

    @Test func eachSliceLeavesWhenTheNextArrivesAndTheLastCarriesTheEnd() {
        let frames = Self.frames([
            .head(Self.head("200"), informational: false), .body(ByteBuffer(string: "a")), .body(ByteBuffer()),
            .body(ByteBuffer(string: "b")), .end(trailers: nil),
        ])
        #expect(
            frames == [
                .headers(status: "200", endStream: false), .data("a", endStream: false), .data("b", endStream: true),
            ]
        )
    }

    @Test func anInterimHeadLeavesAtOnceAndDoesNotEndTheStream() {
        let frames = Self.frames([
            .head(Self.head("103"), informational: true), .head(Self.head("200"), informational: false),
            .end(trailers: nil),
        ])
        #expect(frames == [.headers(status: "103", endStream: false), .headers(status: "200", endStream: true)])
    }

    @Test func trailersEndTheStreamAfterTheBody() {
        let frames = Self.frames([
            .head(Self.head("200"), informational: false), .body(ByteBuffer(string: "a")),
            .end(trailers: HPACKHeaders([("x-checksum", "7")])),
        ])
        #expect(
            frames == [
                .headers(status: "200", endStream: false), .data("a", endStream: false),
                .headers(status: nil, endStream: true),
            ]
        )
    }

    @Test func anEndAfterReleasedPartsIsAnEmptyDataFrame() {
        var framer = HTTP2ResponseFramer()
        var frames: [Frame?] = []
        framer.add(.head(Self.head("200"), informational: false)) { frames.append(Self.frame($0)) }
        framer.releasePending { frames.append(Self.frame($0)) }
        framer.add(.end(trailers: nil)) { frames.append(Self.frame($0)) }
        #expect(frames == [.headers(status: "200", endStream: false), .data("", endStream: true)])
        #expect(framer.responseEnded)
    }

    @Test func partsAfterTheEndSendNothing() {
        let frames = Self.frames(
            [
                .head(Self.head("204"), informational: false), .end(trailers: nil),
                .body(ByteBuffer(string: "late")),
                .end(trailers: nil),
            ],
            release: true
        )
        #expect(frames == [.headers(status: "204", endStream: true)])
    }
}
