import HTTPHead
import NIOHTTP1
import Testing

@testable import Proxy

/// The facts the exchange's rules read from a request head, without any I/O.
@Suite struct RequestTraitsTests {
    func traits(
        _ method: HTTPMethod = .GET,
        _ framing: MessageFraming = .none,
        version: HTTPVersion = .http1_1,
        headers: [(String, String)] = [],
        maxDrainBytes: Int = 1024,
        maxHeldBodyBytes: Int = 0,
        fromHTTP2Stream: Bool = false
    ) -> RequestTraits {
        let head = RequestHead(
            HTTPRequestHead(version: version, method: method, uri: "/", headers: HTTPHeaders(headers))
        )
        return RequestTraits(
            head: head,
            framing: framing,
            maxDrainBytes: maxDrainBytes,
            maxHeldBodyBytes: maxHeldBodyBytes,
            fromHTTP2Stream: fromHTTP2Stream
        )
    }

    /// Held: a declared body up to the limit, or a chunked one (until it outgrows the limit);
    /// never one whose client waits for `100 Continue`, nor without a body.
    @Test func aBodyIsHeldUpToTheLimitUnlessTheClientWaitsForContinue() {
        #expect(traits(.POST, .length(4096), maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.POST, .length(4097), maxHeldBodyBytes: 4096).holdableBody)
        #expect(traits(.POST, .chunked, maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.POST, .length(0), maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.GET, .none, maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.POST, .length(10), headers: [("Expect", "100-continue")], maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.POST, .chunked, headers: [("Expect", "100-Continue")], maxHeldBodyBytes: 4096).holdableBody)
        #expect(!traits(.POST, .length(10)).holdableBody, "a limit of 0 holds nothing")
        #expect(!traits(.POST, .chunked).holdableBody, "a limit of 0 holds nothing")
    }

    /// A stream's declared length is held whatever it is (until the DATA end or outgrow the
    /// limit); DATA of no declared length are not held.
    @Test func aStreamsDeclaredLengthIsHeldWhateverItIs() {
        #expect(traits(.POST, .length(1_000_000), maxHeldBodyBytes: 4096, fromHTTP2Stream: true).holdableBody)
        #expect(!traits(.POST, .chunked, maxHeldBodyBytes: 4096, fromHTTP2Stream: true).holdableBody)
        #expect(!traits(.POST, .length(10), fromHTTP2Stream: true).holdableBody, "a limit of 0 holds nothing")
    }

    @Test func onlySafeMethodsAreReplayed() {
        for method in [HTTPMethod.GET, .HEAD, .OPTIONS, .TRACE] { #expect(traits(method).idempotent, "\(method)") }
        for method in [HTTPMethod.POST, .PUT, .DELETE, .PATCH, .CONNECT, .RAW(value: "PROPFIND")] {
            #expect(!traits(method).idempotent, "\(method)")
        }
    }

    @Test func aBodyIsAnyFramingButNoneAndZeroLength() {
        #expect(!traits(.POST, .none).hasBody)
        #expect(!traits(.POST, .length(0)).hasBody)
        #expect(traits(.POST, .length(1)).hasBody)
        #expect(traits(.POST, .chunked).hasBody)
    }

    @Test func keepAliveFollowsTheHeadButNeverAfterCONNECT() {
        #expect(traits().keepAlive)
        #expect(!traits(headers: [("Connection", "close")]).keepAlive)
        #expect(!traits(version: .http1_0).keepAlive)
        #expect(traits(version: .http1_0, headers: [("Connection", "keep-alive")]).keepAlive)
        #expect(!traits(.CONNECT).keepAlive)
    }

    @Test func onlyASmallDeclaredBodyWithoutExpectContinueIsDrained() {
        #expect(traits(.GET, .none).drainable)
        #expect(traits(.POST, .length(1024)).drainable)
        #expect(!traits(.POST, .length(1025)).drainable)
        #expect(!traits(.POST, .length(10), headers: [("Expect", "100-continue")]).drainable)
        #expect(!traits(.POST, .length(10), headers: [("Expect", "100-Continue")]).drainable)
        #expect(!traits(.POST, .chunked).drainable)
    }
}
