import NIOConcurrencyHelpers
import NIOSSL

/// The TLS side of the HTTPS listener: one `NIOSSLContext` whose certificate is chosen per
/// handshake by SNI from the current ``TLSCertificateSet``, which a reload replaces whole (new
/// handshakes use the new set at once; open connections keep what they negotiated).
///
/// TLS 1.2 and 1.3 only, Mozilla's "intermediate" cipher list for TLS 1.2 (TLS 1.3's suites are
/// all strong), ALPN `h2` and `http/1.1`; BoringSSL's session tickets give resumption.
public final class TLSServerContext: Sendable {
    /// Mozilla's intermediate configuration (ssl-config.mozilla.org, version 5.7) in BoringSSL's
    /// names; it has no DHE suites.
    public static let intermediateCipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    private let current: NIOLockedValueBox<TLSCertificateSet>
    public let sslContext: NIOSSLContext
    /// Handshakes, their failures and the certificates' expiry; made by ``enableMetrics()`` once
    /// the metrics backend is set up (this context is built earlier, while checking the flags).
    private let metricsBox = NIOLockedValueBox<TLSMetrics?>(nil)

    public init(certificates: TLSCertificateSet) throws {
        let current = NIOLockedValueBox(certificates)
        self.current = current
        let first = certificates.certificates[0]
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: first.chain.map { .certificate($0) },
            privateKey: .privateKey(first.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuites = Self.intermediateCipherSuites
        configuration.applicationProtocols = ["h2", "http/1.1"]
        configuration.sslContextCallback = { hello, promise in
            let chosen = current.withLockedValue { $0 }.select(serverName: hello.serverHostname)
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = chosen.chain.map { .certificate($0) }
            override.privateKey = .privateKey(chosen.key)
            promise.succeed(override)
        }
        self.sslContext = try NIOSSLContext(configuration: configuration)
    }

    /// The listener's metrics, created on first use and given the current certificates' expiry.
    public func enableMetrics() -> TLSMetrics {
        let (metrics, created) = self.metricsBox.withLockedValue { box -> (TLSMetrics, Bool) in
            if let existing = box { return (existing, false) }
            let made = TLSMetrics()
            box = made
            return (made, true)
        }
        if created { metrics.record(self.certificates) }
        return metrics
    }

    /// The certificates in use.
    public var certificates: TLSCertificateSet {
        self.current.withLockedValue { $0 }
    }

    /// Makes `certificates` the set for every handshake from now on.
    public func replace(with certificates: TLSCertificateSet) {
        self.current.withLockedValue { $0 = certificates }
        self.metricsBox.withLockedValue { $0 }?.record(certificates)
    }
}
