/// The certificates of a TLS listener and the choice among them by SNI: an exact name first, then
/// a wildcard (`*.s20.online` covers exactly one more label, as RFC 6125 §6.4.3 allows), else
/// the first certificate (clients without SNI or asking for an unknown name). Pure.
public struct TLSCertificateSet: Sendable {
    public let certificates: [TLSCertificate]
    private let exact: [String: Int]
    private let wildcard: [String: Int]

    /// - Precondition: at least one certificate (the loader guarantees it).
    public init(_ certificates: [TLSCertificate]) {
        precondition(!certificates.isEmpty, "a TLS listener needs a certificate")
        self.certificates = certificates
        var exact: [String: Int] = [:]
        var wildcard: [String: Int] = [:]
        for (index, certificate) in certificates.enumerated() {
            for name in certificate.names {
                if name.hasPrefix("*.") {
                    let suffix = String(name.dropFirst(2))
                    if wildcard[suffix] == nil { wildcard[suffix] = index }
                } else if exact[name] == nil {
                    exact[name] = index
                }
            }
        }
        self.exact = exact
        self.wildcard = wildcard
    }

    /// The certificate for an SNI server name (any case, trailing dot ignored).
    public func select(serverName: String?) -> TLSCertificate {
        guard let serverName, !serverName.isEmpty else { return self.certificates[0] }
        let name = TLSCertificateLoader.normalized(serverName)
        if let index = self.exact[name] { return self.certificates[index] }
        if let dot = name.firstIndex(of: "."), let index = self.wildcard[String(name[name.index(after: dot)...])] {
            return self.certificates[index]
        }
        return self.certificates[0]
    }
}
