import Foundation
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The HTTPS listener's metrics: handshakes by protocol version, failed handshakes by reason,
/// and when each loaded certificate expires (a Unix time, so that an alert reads
/// `freezegate_tls_certificate_not_after_seconds - time() < 14 * 86400`). Counted once per
/// connection, never per request.
public final class TLSMetrics: Sendable {
    private let tls12 = Counter(label: "freezegate_tls_handshakes_total", dimensions: [("version", "1.2")])
    private let tls13 = Counter(label: "freezegate_tls_handshakes_total", dimensions: [("version", "1.3")])
    private let failures: [String: Counter]
    private let expiries = NIOLockedValueBox<[String: Gauge]>([:])

    /// The reasons a handshake failure is counted under.
    public static let failureReasons = [
        "unsupported_protocol", "no_shared_cipher", "not_tls", "closed_early", "timeout", "other",
    ]

    public init() {
        var failures: [String: Counter] = [:]
        for reason in Self.failureReasons {
            failures[reason] = Counter(
                label: "freezegate_tls_handshake_failures_total",
                dimensions: [("reason", reason)]
            )
        }
        self.failures = failures
    }

    func handshakeCompleted(version: TLSVersion?) {
        switch version {
        case .tlsv13: self.tls13.increment()
        default: self.tls12.increment()
        }
    }

    func handshakeFailed(_ error: any Error) {
        self.failures[Self.reason(for: error)]?.increment()
    }

    /// A small, fixed set of labels for what went wrong (the error's text is not a label).
    static func reason(for error: any Error) -> String {
        if error is TLSHandshakeTimedOut { return "timeout" }
        if let sslError = error as? NIOSSLError, case .uncleanShutdown = sslError { return "closed_early" }
        let text = "\(error)".uppercased()
        if text.contains("UNSUPPORTED_PROTOCOL") || text.contains("TLSV1_ALERT_PROTOCOL_VERSION") {
            return "unsupported_protocol"
        }
        if text.contains("NO_SHARED_CIPHER") || text.contains("NO_CIPHERS") { return "no_shared_cipher" }
        if text.contains("HTTP_REQUEST") || text.contains("WRONG_VERSION_NUMBER")
            || text.contains("HTTPS_PROXY_REQUEST")
        {
            return "not_tls"
        }
        if error is ChannelError || text.contains("EOF") { return "closed_early" }
        return "other"
    }

    /// Sets the expiry of every certificate in `set`, labelled by the file it came from.
    public func record(_ set: TLSCertificateSet) {
        self.expiries.withLockedValue { gauges in
            for certificate in set.certificates {
                let gauge =
                    gauges[certificate.source]
                    ?? Gauge(
                        label: "freezegate_tls_certificate_not_after_seconds",
                        dimensions: [("certificate", certificate.source)]
                    )
                gauges[certificate.source] = gauge
                gauge.record(certificate.notValidAfter.timeIntervalSince1970)
            }
        }
    }
}
