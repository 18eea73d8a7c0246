import Testing

@testable import Proxy

/// When the gateway gives an HTTP/2 client more window, without a connection.
@Suite struct HTTP2InboundWindowTests {
    @Test func nothingIsSentBeforeTheWindowIsKnown() {
        var window = HTTP2InboundWindow(target: 65_535)
        window.held(1_000)
        #expect(window.handedOn(1_000) == nil)
    }

    @Test func theWindowIsToppedUpOnceLessThanHalfIsLeft() {
        var window = HTTP2InboundWindow(target: 65_535)
        #expect(window.windowReported(40_000) == nil)
        #expect(window.windowReported(32_768) == nil)
        #expect(window.windowReported(32_767) == 32_768)
        // The update is counted as sent: no second one until the window runs low again.
        #expect(window.windowReported(65_535 - 100) == nil)
        #expect(window.handedOn(0) == nil)
    }

    @Test func bytesNotHandedOnKeepTheirShareOfTheWindow() {
        var window = HTTP2InboundWindow(target: 65_535)
        window.held(40_000)
        // The client has 20,000 left, but 40,000 wait unread: nothing more until they are taken.
        #expect(window.windowReported(20_000) == nil)
        #expect(window.heldBytes == 40_000)
        #expect(window.handedOn(5_000) == nil)
        // 20,000 left and 10,000 unread: under half the window, so it is topped up to the target.
        #expect(window.handedOn(25_000) == 35_535)
        #expect(window.handedOn(10_000) == nil)
        #expect(window.heldBytes == 0)
    }

    @Test func aWindowBelowZeroIsToppedUpToTheTarget() {
        var window = HTTP2InboundWindow(target: 65_535)
        #expect(window.windowReported(-1_000) == 66_535)
    }
}
