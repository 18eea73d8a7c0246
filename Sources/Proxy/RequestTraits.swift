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

    /// `connection`: the head's `Connection` options when already read (else they are read here).
    init(head: RequestHead, framing: MessageFraming, maxDrainBytes: Int, connection: ConnectionOptions? = nil) {
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
        case .length(let length):
            var expectsContinue = false
            head.fields.forEach { _, name, value in
                guard name.count == 6, ASCII.equalsCaseInsensitive(name, "expect") else { return }
                FieldValueList.forEachElement(of: value, emptyElements: .skipped) { element in
                    if ASCII.equalsCaseInsensitive(element, "100-continue") { expectsContinue = true }
                }
            }
            self.drainable = length <= maxDrainBytes && !expectsContinue
        case .chunked:
            self.drainable = false
        }
    }
}
