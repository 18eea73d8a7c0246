import HTTPHead
import NIOHTTP1

/// What the exchange's rules need to know of a request, read once from its head and framing: the
/// same for an HTTP/1.1 request and an HTTP/2 stream's translated head.
struct RequestTraits: Equatable {
    /// The client connection may carry another request after this one.
    let keepAlive: Bool
    /// A body follows the head.
    let hasBody: Bool
    /// May be sent again on another upstream connection when the first fails before any byte of
    /// the response: the safe methods (RFC 9110 §9.2.1: GET, HEAD, OPTIONS, TRACE). PUT and
    /// DELETE, idempotent but not safe, are not replayed.
    let idempotent: Bool
    /// When the gateway answers itself, the body can be read and thrown away so that the
    /// connection stays open: no body, or a declared one no larger than `maxDrainBytes` whose
    /// client does not wait for `100 Continue`. A chunked body (unbounded) is never drained.
    let drainable: Bool
    /// When forwarded, its body is read before an upstream is chosen (``RequestLimits/maxHeldBodyBytes``).
    /// Over HTTP/1.1 a declared length of at most `maxHeldBodyBytes`, or a chunked body (held
    /// until it outgrows that): a chunk line or a trailer found malformed is refused with nothing
    /// sent. An HTTP/2 stream's DATA are checked against its declared `content-length` when they
    /// end, so any declared length is held until they end or outgrow the limit; DATA of no declared
    /// length have nothing to contradict and no chunk syntax to break: they go as they come. Never
    /// a body whose client waits for `100 Continue` before sending it, which only the upstream gives.
    let holdableBody: Bool

    /// `connection`: the head's `Connection` options when already read (else they are read here).
    /// `maxHeldBodyBytes`: 0 holds no body. `fromHTTP2Stream`: the head is an HTTP/2 stream's.
    init(
        head: RequestHead,
        framing: MessageFraming,
        maxDrainBytes: Int,
        maxHeldBodyBytes: Int = 0,
        fromHTTP2Stream: Bool = false,
        connection: ConnectionOptions? = nil
    ) {
        let connection = connection ?? ConnectionOptions(head.fields)
        self.keepAlive = connection.isKeepAlive(version: head.version) && head.method != .CONNECT
        self.hasBody = framing != .none && framing != .length(0)
        switch head.method {
        case .GET, .HEAD, .OPTIONS, .TRACE: self.idempotent = true
        default: self.idempotent = false
        }
        switch framing {
        case .none, .untilClose:
            self.drainable = true
            self.holdableBody = false
        case .length(let length):
            let expectsContinue = Self.expectsContinue(head)
            self.drainable = length <= maxDrainBytes && !expectsContinue
            self.holdableBody =
                length > 0 && maxHeldBodyBytes > 0 && (fromHTTP2Stream || length <= maxHeldBodyBytes)
                && !expectsContinue
        case .chunked:
            self.drainable = false
            self.holdableBody = maxHeldBodyBytes > 0 && !fromHTTP2Stream && !Self.expectsContinue(head)
        }
    }

    private static func expectsContinue(_ head: RequestHead) -> Bool {
        var expectsContinue = false
        head.fields.forEach { _, name, value in
            guard name.count == 6, ASCII.equalsCaseInsensitive(name, "expect") else { return }
            FieldValueList.forEachElement(of: value, emptyElements: .skipped) { element in
                if ASCII.equalsCaseInsensitive(element, "100-continue") { expectsContinue = true }
            }
        }
        return expectsContinue
    }
}
