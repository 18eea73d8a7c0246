import Logging
import Metrics
import Proxy

/// Re-reads the HTTPS listener's certificates (SIGHUP, with the profile): a complete, valid set
/// replaces the old one for every new handshake; any broken file keeps the whole old set, and the
/// error is logged naming the file. Open connections keep what they negotiated.
package final class CertificateReloader: Sendable {
    package let sources: TLSCertificateSources
    package let context: TLSServerContext
    package let logger: Logger
    private let succeeded = Counter(label: "freezegate_certificate_reloads_total", dimensions: [("result", "ok")])
    private let failed = Counter(label: "freezegate_certificate_reloads_total", dimensions: [("result", "failed")])

    package init(sources: TLSCertificateSources, context: TLSServerContext, logger: Logger) {
        self.sources = sources
        self.context = context
        self.logger = logger
    }

    package func reload() {
        do {
            let certificates = try self.sources.load()
            self.context.replace(with: certificates)
            self.succeeded.increment()
            self.logger.notice(
                "certificates reloaded",
                metadata: ["certificates": .stringConvertible(certificates.certificates.count)]
            )
        } catch {
            self.failed.increment()
            self.logger.error(
                "certificate reload failed, keeping the previous certificates",
                metadata: ["error": .string("\(error)")]
            )
        }
    }
}
