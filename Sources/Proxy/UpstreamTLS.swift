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
        return UpstreamTLS(
            context: try NIOSSLContext(configuration: configuration),
            serverHostname: Self.sniName(serverHostname)
        )
    }

    /// The name to send as SNI: none for an IP literal (RFC 6066 §3), which is still verified.
    static func sniName(_ host: String) -> String? {
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return isAddress ? nil : host
    }
}
