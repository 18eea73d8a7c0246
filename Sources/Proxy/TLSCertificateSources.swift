import Foundation

/// Where the HTTPS listener's certificates come from (`--tls-cert/--tls-key` pairs, then every
/// certificate of `--tls-cert-dir`), read at start and again at each reload.
public struct TLSCertificateSources: Sendable, Equatable {
    public var pairs: [(certificate: String, key: String)]
    public var directory: String?

    public init(pairs: [(certificate: String, key: String)], directory: String?) {
        self.pairs = pairs
        self.directory = directory
    }

    public static func == (lhs: TLSCertificateSources, rhs: TLSCertificateSources) -> Bool {
        lhs.directory == rhs.directory && lhs.pairs.map(\.certificate) == rhs.pairs.map(\.certificate)
            && lhs.pairs.map(\.key) == rhs.pairs.map(\.key)
    }

    public var isEmpty: Bool { self.pairs.isEmpty && self.directory == nil }

    /// Every certificate, checked (``TLSCertificateLoader``); the pairs' first one serves clients
    /// without SNI, else the directory's first by name.
    public func load(now: Date = Date()) throws -> TLSCertificateSet {
        var certificates: [TLSCertificate] = []
        for pair in self.pairs {
            certificates.append(
                try TLSCertificateLoader.load(certificateFile: pair.certificate, keyFile: pair.key, now: now)
            )
        }
        if let directory = self.directory {
            certificates += try TLSCertificateLoader.loadDirectory(directory, now: now)
        }
        guard !certificates.isEmpty else {
            throw TLSCertificateError(
                file: "--tls-listen",
                problem: "no certificate (give --tls-cert and --tls-key, or --tls-cert-dir)"
            )
        }
        return TLSCertificateSet(certificates)
    }
}
