/// When to give an HTTP/2 peer more window (a stream's, or the connection's), as a value: the
/// rule of swift-nio-http2's multiplexer, which the gateway applies itself when it handles frames
/// on the connection channel (without the multiplexer nobody sends WINDOW_UPDATE). The window is
/// topped up to its target once the peer has less than half of it left, counting bytes received
/// but not yet handed on as still held (so a stream whose exchange is not reading gets no more).
struct HTTP2InboundWindow {
    private let target: Int
    /// The window the peer has left, as the HTTP/2 handler last reported it.
    private var lastReported: Int?
    /// Bytes received and not yet handed on.
    private(set) var heldBytes = 0

    init(target: Int) {
        self.target = target
    }

    /// The HTTP/2 handler reported the window left (after a DATA frame, or a WINDOW_UPDATE sent):
    /// the increment to send, if any.
    mutating func windowReported(_ size: Int) -> Int? {
        self.lastReported = size
        return self.increment()
    }

    /// A DATA frame waits: its bytes still count as the peer's until handed on.
    mutating func held(_ size: Int) {
        self.heldBytes += size
    }

    /// Held bytes were handed on: the increment to send, if any.
    mutating func handedOn(_ size: Int) -> Int? {
        self.heldBytes = max(0, self.heldBytes - size)
        return self.increment()
    }

    private mutating func increment() -> Int? {
        guard let window = self.lastReported else { return nil }
        let effective = window + self.heldBytes
        guard effective < self.target else { return nil }
        let increment: Int
        if effective < 0 {
            increment = min(-effective + self.target, Int(Int32.max))
        } else {
            increment = self.target - effective
            guard increment >= effective else { return nil }
        }
        // What the peer has once the update is sent (the handler reports it again then).
        self.lastReported = window + increment
        return increment
    }
}
