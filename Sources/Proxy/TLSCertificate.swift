import Foundation
import NIOSSL

/// One certificate the TLS listener can present: its chain and key, the DNS names it is for
/// (from subjectAltName: lower case, A-labels, wildcards as `*.example.com`) and when it expires.
public struct TLSCertificate: Sendable {
    /// Lower-cased DNS names from subjectAltName.
    public var names: [String]
    public var chain: [NIOSSLCertificate]
    public var key: NIOSSLPrivateKey
    public var notValidAfter: Date
    /// Where it was read from (for messages and metrics).
    public var source: String

    public init(names: [String], chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, notValidAfter: Date, source: String)
    {
        self.names = names
        self.chain = chain
        self.key = key
        self.notValidAfter = notValidAfter
        self.source = source
    }
}
