import NIOCore
import NIOHTTP1

/// An upstream response head kept as the bytes it arrived in. ``UpstreamResponseParser``
/// validated every line and recorded where each field is, so forwarding the head copies its lines
/// (``ForwardingHeaderPolicy/writeClientResponseHead(_:requestMethod:clientVersion:closeClient:tunnel:into:)``)
/// instead of building `HTTPHeaders` and encoding them again.
struct UpstreamResponseHead {
    /// One field line, as offsets into ``bytes``.
    struct Field {
        /// The name, up to the colon.
        var name: Range<Int>
        /// The value without surrounding whitespace.
        var value: Range<Int>
        /// The whole line with its CRLF.
        var line: Range<Int>
    }

    /// What `Transfer-Encoding` says about the body.
    enum TransferCoding: Equatable {
        case none
        /// `Transfer-Encoding: chunked`, the only coding the parser accepts.
        case chunked
    }

    /// The status line and the field lines, each with its CRLF (not the empty line after them).
    var bytes: ByteBuffer
    var version: HTTPVersion
    var status: Int
    /// The reason phrase (possibly empty).
    var reason: Range<Int>
    var fields: [Field]
    /// The one valid `Content-Length`.
    var contentLength: Int?
    var transferCoding: TransferCoding = .none
    var connectionClose = false
    var connectionKeepAlive = false
    /// `Connection` lists a field name beyond `close`, `keep-alive` and the fixed hop-by-hop
    /// names: the writer must look those fields up.
    var connectionNamesFields = false
    /// `Upgrade` carries exactly one protocol, `websocket`.
    var upgradeIsWebSocket = false

    /// Whether the upstream keeps the connection open after this response (RFC 9112 §9.3).
    var isKeepAlive: Bool {
        if self.connectionClose { return false }
        return self.version == .http1_1 || self.connectionKeepAlive
    }

    var isInformational: Bool { (100..<200).contains(self.status) }

    /// The values of the fields called `name` (lower case), in order; for tests and rare paths.
    func values(of name: StaticString) -> [String] {
        self.bytes.withUnsafeReadableBytes { bytes in
            self.fields.filter { ASCII.equalsCaseInsensitive(bytes[$0.name], name) }.map {
                String(decoding: bytes[$0.value], as: UTF8.self)
            }
        }
    }
}
