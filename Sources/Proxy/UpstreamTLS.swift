import NIOSSL

/// TLS to the upstream (`--upstream https://HOST:PORT`): the client context (trust anchors from
/// `--upstream-ca` or the system store; certificate and hostname verified) and the name sent as
/// SNI and checked against the upstream's certificate.
public struct UpstreamTLS: Sendable {
    public var context: NIOSSLContext
    public var serverHostname: String?

    public init(context: NIOSSLContext, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname
    }

    /// TLS 1.2 or 1.3, full verification, trusting `caFile` (PEM) or else the system's store;
    /// with `clientCertificate`, the gateway proves itself to the CRM with it (mutual TLS).
    public static func make(
        serverHostname: String,
        caFile: String?,
        clientCertificate: TLSCertificate? = nil
    ) throws -> UpstreamTLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let caFile {
            configuration.trustRoots = .file(caFile)
        }
        if let clientCertificate {
            configuration.certificateChain = clientCertificate.chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(clientCertificate.key)
        }
        // An IP literal is not a name to send as SNI (RFC 6066 §3); it is still verified.
        let isAddress = serverHostname.contains(":") || serverHostname.allSatisfy { $0.isNumber || $0 == "." }
        return UpstreamTLS(
            context: try NIOSSLContext(configuration: configuration),
            serverHostname: isAddress ? nil : serverHostname
        )
    }
}
