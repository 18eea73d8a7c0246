import Foundation
import NIOSSL
import SwiftASN1
import X509

/// Reads certificates and keys from PEM files and checks them before anything listens: readable,
/// a certificate first (its chain may follow), a key that belongs to it, not expired, at least one
/// DNS name in subjectAltName. Every failure is a ``TLSCertificateError`` naming the file.
public enum TLSCertificateLoader {
    /// A `--tls-cert FILE --tls-key FILE` pair (both may be the same file).
    /// `requireDNSName`: a server certificate must name a host; a client certificate (mutual TLS
    /// to the upstream) need not.
    public static func load(
        certificateFile: String,
        keyFile: String,
        now: Date = Date(),
        requireDNSName: Bool = true
    ) throws -> TLSCertificate {
        let certificateDocuments = try Self.documents(in: certificateFile)
        let keyDocuments = keyFile == certificateFile ? certificateDocuments : try Self.documents(in: keyFile)
        return try Self.certificate(
            certificateDocuments: certificateDocuments,
            certificateFile: certificateFile,
            keyDocuments: keyDocuments,
            keyFile: keyFile,
            now: now,
            requireDNSName: requireDNSName
        )
    }

    /// Every `NAME.pem` (chain and key in one file) and every `NAME.crt` with its `NAME.key` in
    /// `directory`, in name order. Other files are ignored; a `.crt` without its `.key` is an error.
    public static func loadDirectory(_ directory: String, now: Date = Date()) throws -> [TLSCertificate] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw TLSCertificateError(file: directory, problem: "cannot read the directory")
        }
        var certificates: [TLSCertificate] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if name.hasSuffix(".pem") {
                certificates.append(try Self.load(certificateFile: path, keyFile: path, now: now))
            } else if name.hasSuffix(".crt") {
                let keyPath = String(path.dropLast(4)) + ".key"
                guard FileManager.default.fileExists(atPath: keyPath) else {
                    throw TLSCertificateError(file: path, problem: "no key file \(keyPath) beside it")
                }
                certificates.append(try Self.load(certificateFile: path, keyFile: keyPath, now: now))
            }
        }
        guard !certificates.isEmpty else {
            throw TLSCertificateError(file: directory, problem: "no NAME.pem or NAME.crt + NAME.key in it")
        }
        return certificates
    }

    static func documents(in file: String) throws -> [PEMDocument] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TLSCertificateError(file: file, problem: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw TLSCertificateError(file: file, problem: "not a PEM file")
        }
    }

    static func certificate(
        certificateDocuments: [PEMDocument],
        certificateFile: String,
        keyDocuments: [PEMDocument],
        keyFile: String,
        now: Date,
        requireDNSName: Bool = true
    ) throws -> TLSCertificate {
        let certificateBlocks = certificateDocuments.filter { $0.discriminator == "CERTIFICATE" }
        guard let leafDocument = certificateBlocks.first else {
            throw TLSCertificateError(file: certificateFile, problem: "no certificate in it")
        }
        guard let keyDocument = keyDocuments.first(where: { $0.discriminator.hasSuffix("PRIVATE KEY") }) else {
            throw TLSCertificateError(file: keyFile, problem: "no private key in it")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: leafDocument.derBytes)
        } catch {
            throw TLSCertificateError(file: certificateFile, problem: "the certificate cannot be parsed")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemDocument: keyDocument)
        } catch {
            throw TLSCertificateError(
                file: keyFile,
                problem: "the private key cannot be parsed (\(keyDocument.discriminator))"
            )
        }
        guard key.publicKey == leaf.publicKey else {
            throw TLSCertificateError(
                file: keyFile,
                problem: "the private key does not match the certificate of \(certificateFile)"
            )
        }
        guard leaf.notValidAfter > now else {
            throw TLSCertificateError(
                file: certificateFile,
                problem: "the certificate expired on \(ISO8601DateFormatter().string(from: leaf.notValidAfter))"
            )
        }
        var names: [String] = []
        if let alternativeNames = try? leaf.extensions.subjectAlternativeNames {
            for name in alternativeNames {
                if case .dnsName(let dnsName) = name { names.append(Self.normalized(dnsName)) }
            }
        }
        guard !names.isEmpty || !requireDNSName else {
            throw TLSCertificateError(
                file: certificateFile,
                problem: "the certificate has no DNS name in subjectAltName"
            )
        }
        do {
            let chain = try certificateBlocks.map { try NIOSSLCertificate(bytes: $0.derBytes, format: .der) }
            let sslKey = try NIOSSLPrivateKey(bytes: keyDocument.derBytes, format: .der)
            return TLSCertificate(
                names: names,
                chain: chain,
                key: sslKey,
                notValidAfter: leaf.notValidAfter,
                source: certificateFile
            )
        } catch {
            throw TLSCertificateError(file: certificateFile, problem: "TLS cannot use it (\(error))")
        }
    }

    /// Lower case, no trailing dot: how names are compared with SNI (which carries A-labels).
    static func normalized(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
