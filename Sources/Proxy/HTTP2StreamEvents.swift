import NIOCore
import NIOHTTP2

/// Passes the HTTP/2 handler's stream openings and closings to the connection's
/// ``HTTP2ConnectionLifecycleHandler``. Called on the connection's event loop.
struct HTTP2StreamEvents: NIOHTTP2StreamDelegate {
    let lifecycle: NIOLoopBound<HTTP2ConnectionLifecycleHandler>

    func streamCreated(_ id: HTTP2StreamID, channel: any Channel) {
        self.lifecycle.value.streamCreated(id)
    }

    func streamClosed(_ id: HTTP2StreamID, channel: any Channel) {
        self.lifecycle.value.streamClosed(id)
    }
}
