import NIOCore
import NIOHPACK
import NIOHTTP2

/// The response side of one HTTP/2 stream as a value: ``HTTP2ResponsePart``s in, frame payloads
/// out, as few as the parts allow. The final head waits for the part after it and the last body
/// slice for the next part, so a bodyless response leaves as one HEADERS frame that ends the
/// stream and a small one as HEADERS and one DATA frame carrying END_STREAM. Parts after the end
/// are dropped.
struct HTTP2ResponseFramer {
    /// The final response's head, sent with the first part after it.
    private var pendingHead: HPACKHeaders?
    /// The last body slice, sent with the next part (the last one then carries END_STREAM).
    private var pendingData: ByteBuffer?
    private(set) var responseEnded = false

    init() {}

    /// Takes a part; `emit` receives the frames it lets go, in order.
    mutating func add(_ part: HTTP2ResponsePart, emit: (HTTP2Frame.FramePayload) -> Void) {
        guard !self.responseEnded else { return }
        switch part {
        case .head(let headers, let informational):
            if informational {
                self.releasePending(emit: emit)
                emit(.headers(.init(headers: headers)))
            } else {
                self.pendingHead = headers
            }
        case .body(let slice):
            if slice.readableBytes > 0 {
                self.releasePending(emit: emit)
                self.pendingData = slice
            }
        case .end(let trailers):
            self.end(trailers: trailers, emit: emit)
        }
    }

    /// Lets the held head and body slice go without ending the stream (more follows): before a
    /// flush, or a write whose completion someone waits for.
    mutating func releasePending(emit: (HTTP2Frame.FramePayload) -> Void) {
        if let head = self.pendingHead {
            self.pendingHead = nil
            emit(.headers(.init(headers: head)))
        }
        if let data = self.pendingData {
            self.pendingData = nil
            emit(.data(.init(data: .byteBuffer(data))))
        }
    }

    private mutating func end(trailers: HPACKHeaders?, emit: (HTTP2Frame.FramePayload) -> Void) {
        self.responseEnded = true
        if let trailers {
            self.releasePending(emit: emit)
            emit(.headers(.init(headers: trailers, endStream: true)))
            return
        }
        let head = self.pendingHead
        let data = self.pendingData
        self.pendingHead = nil
        self.pendingData = nil
        switch (head, data) {
        case (let head?, let data?):
            emit(.headers(.init(headers: head)))
            emit(.data(.init(data: .byteBuffer(data), endStream: true)))
        case (nil, let data?):
            emit(.data(.init(data: .byteBuffer(data), endStream: true)))
        case (let head?, nil):
            emit(.headers(.init(headers: head, endStream: true)))
        case (nil, nil):
            emit(.data(.init(data: .byteBuffer(ByteBuffer()), endStream: true)))
        }
    }
}
