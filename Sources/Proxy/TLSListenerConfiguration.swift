import NIOCore

/// The HTTPS listener (`--tls-listen`): where, with which certificates, and whether responses
/// carry `Strict-Transport-Security`.
public struct TLSListenerConfiguration: Sendable {
    public var address: SocketAddress
    public var context: TLSServerContext
    /// `Strict-Transport-Security: max-age=N` on every response over TLS when set (`--hsts-max-age`).
    public var hstsMaxAge: Int?

    public init(address: SocketAddress, context: TLSServerContext, hstsMaxAge: Int? = nil) {
        self.address = address
        self.context = context
        self.hstsMaxAge = hstsMaxAge
    }
}
