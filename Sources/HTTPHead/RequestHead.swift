import NIOHTTP1

/// A request head as the gateway carries it from the client to its decision and on upstream: the
/// request line's parts and the fields as bytes (``RequestFields``). The HTTP/1.1 parser fills it
/// from what it read, the HTTP/2 translator from a stream's header block.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    /// The request target as received (see the request parser for a target that is not UTF-8).
    public var uri: String
    public var version: HTTPVersion
    public var fields: RequestFields
    /// The target's bytes as received when `uri` is not them: a target that is not UTF-8, which
    /// `uri` holds percent-encoded (``NonUTF8Target``). It is forwarded as received.
    public var receivedTarget: [UInt8]?

    public init(
        method: HTTPMethod,
        uri: String,
        version: HTTPVersion,
        fields: RequestFields,
        receivedTarget: [UInt8]? = nil
    ) {
        self.method = method
        self.uri = uri
        self.version = version
        self.fields = fields
        self.receivedTarget = receivedTarget
    }

    /// The head NIO's type describes, fields in the wire form of ``FieldValueEncoding``.
    public init(_ head: HTTPRequestHead) {
        self.init(method: head.method, uri: head.uri, version: head.version, fields: RequestFields(head.headers))
    }

    /// The head as NIO's type, for the readers that want strings.
    public var httpRequestHead: HTTPRequestHead {
        HTTPRequestHead(version: self.version, method: self.method, uri: self.uri, headers: self.fields.headers)
    }
}
