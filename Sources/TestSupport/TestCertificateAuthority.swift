import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made for one test run: it issues server certificates for given DNS
/// names (and, for the bad-input cases, expired ones or ones whose key does not match), written
/// as PEM files that the gateway, curl and openssl read like real ones.
public struct TestCertificateAuthority: Sendable {
    public let name: String
    let key: Certificate.PrivateKey
    let certificate: Certificate
    let distinguishedName: DistinguishedName

    public init(name: String = "FreezeGate Test CA") throws {
        self.name = name
        self.key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        self.distinguishedName = try DistinguishedName { CommonName(name) }
        self.certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: self.key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: Date().addingTimeInterval(30 * 86_400),
            issuer: self.distinguishedName,
            subject: self.distinguishedName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: self.key
        )
    }

    /// The CA certificate (what clients trust).
    public var certificatePEM: String {
        (try? self.certificate.serializeAsPEM().pemString) ?? ""
    }

    /// A server certificate for `dnsNames` (first one also its common name) and its key, as PEM.
    public func issue(
        dnsNames: [String],
        notValidBefore: Date = Date().addingTimeInterval(-3600),
        notValidAfter: Date = Date().addingTimeInterval(30 * 86_400)
    ) throws -> (certificatePEM: String, keyPEM: String) {
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(dnsNames.first ?? "localhost") }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: self.distinguishedName,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(dnsNames.map { GeneralName.dnsName($0) })
            },
            issuerPrivateKey: self.key
        )
        return (try leaf.serializeAsPEM().pemString, leafKey.pemRepresentation)
    }

    /// Writes `contents` to `path` (a helper for certificate files).
    public static func write(_ contents: String, to path: String) throws {
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
