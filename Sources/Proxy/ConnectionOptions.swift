import HTTPHead
import NIOHTTP1

/// What a request's `Connection` fields say, read in one pass over the head's fields without
/// allocating: only names of the length of `connection` are compared, and their values are
/// walked as bytes. NIO's `isKeepAlive` and `headers[canonicalForm:]`, which this replaces on
/// the forwarding path, build arrays of strings on every request.
struct ConnectionOptions: Equatable {
    /// `close` and `keep-alive` tokens seen, in all.
    private(set) var persistenceTokens = 0
    private(set) var close = false
    /// An `upgrade` token.
    private(set) var upgrade = false

    init() {}

    init(_ headers: HTTPHeaders) {
        self.init(RequestFields(headers))
    }

    init(_ fields: RequestFields) {
        fields.forEach { _, name, value in
            if name.count == 10 && ASCII.equalsCaseInsensitive(name, "connection") { self.read(value) }
        }
    }

    /// Takes in the value of one `Connection` field. Tokens are compared folding ASCII letters
    /// only; NIO's comparison also folded CR into `-`, a difference no value that reaches here
    /// can show (the request parser and the HTTP/2 translator refuse a CR in a field).
    mutating func read(_ value: UnsafeRawBufferPointer) {
        FieldValueList.forEachElement(of: value, emptyElements: .skipped) { token in
            if ASCII.equalsCaseInsensitive(token, "close") {
                self.persistenceTokens += 1
                self.close = true
            } else if ASCII.equalsCaseInsensitive(token, "keep-alive") {
                self.persistenceTokens += 1
            } else if ASCII.equalsCaseInsensitive(token, "upgrade") {
                self.upgrade = true
            }
        }
    }

    /// Whether the connection stays open after the message, by NIO's rule (`isKeepAlive`): one
    /// `close` or `keep-alive` token decides; more than one, even the same twice, means close (a
    /// client that says it twice is not trusted to mean keep-alive); none, the version's
    /// default (HTTP/1.1 and later keep the connection).
    func isKeepAlive(version: HTTPVersion) -> Bool {
        switch self.persistenceTokens {
        case 0: return version.major == 1 && version.minor >= 1
        case 1: return !self.close
        default: return false
        }
    }
}
