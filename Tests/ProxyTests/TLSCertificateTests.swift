import Foundation
import TestSupport
import Testing

@testable import Proxy

@Suite struct TLSCertificateTests {
    let authority: TestCertificateAuthority
    let directory: TemporaryDirectory

    init() throws {
        self.authority = try TestCertificateAuthority()
        self.directory = try TemporaryDirectory()
    }

    /// Writes a certificate for `names` as `stem.crt` + `stem.key`; returns the two paths.
    func pair(
        _ stem: String,
        _ names: [String],
        notValidAfter: Date = Date().addingTimeInterval(86_400)
    ) throws -> (
        String, String
    ) {
        let issued = try self.authority.issue(dnsNames: names, notValidAfter: notValidAfter)
        let (certificate, key) = ("\(self.directory.path)/\(stem).crt", "\(self.directory.path)/\(stem).key")
        try TestCertificateAuthority.write(issued.certificatePEM, to: certificate)
        try TestCertificateAuthority.write(issued.keyPEM, to: key)
        return (certificate, key)
    }

    @Test func aValidPairLoadsWithItsNames() throws {
        let (certificate, key) = try self.pair("wild", ["*.s20.online", "S20.Online."])
        let loaded = try TLSCertificateLoader.load(certificateFile: certificate, keyFile: key)
        #expect(loaded.names == ["*.s20.online", "s20.online"])
        #expect(loaded.chain.count == 1)
    }

    @Test func chainAndKeyInOneFile() throws {
        let issued = try self.authority.issue(dnsNames: ["crm.acme-school.com"])
        let path = "\(self.directory.path)/acme.pem"
        try TestCertificateAuthority.write(
            issued.certificatePEM + self.authority.certificatePEM + issued.keyPEM,
            to: path
        )
        let loaded = try TLSCertificateLoader.load(certificateFile: path, keyFile: path)
        #expect(loaded.chain.count == 2)
    }

    @Test func aKeyOfAnotherCertificateIsRefusedNamingTheFile() throws {
        let (certificate, _) = try self.pair("one", ["a.example"])
        let (_, otherKey) = try self.pair("two", ["b.example"])
        #expect(
            throws: TLSCertificateError(
                file: otherKey,
                problem: "the private key does not match the certificate of \(certificate)"
            )
        ) {
            try TLSCertificateLoader.load(certificateFile: certificate, keyFile: otherKey)
        }
    }

    @Test func anExpiredCertificateIsRefused() throws {
        let (certificate, key) = try self.pair("old", ["old.example"], notValidAfter: Date().addingTimeInterval(-60))
        #expect {
            try TLSCertificateLoader.load(certificateFile: certificate, keyFile: key)
        } throws: { error in
            "\(error)".hasPrefix("\(certificate): the certificate expired on ")
        }
    }

    @Test func anUnreadableOrEmptyFileIsRefused() throws {
        let missing = "\(self.directory.path)/missing.crt"
        #expect(throws: TLSCertificateError(file: missing, problem: "cannot read the file")) {
            try TLSCertificateLoader.load(certificateFile: missing, keyFile: missing)
        }
        let (_, key) = try self.pair("k", ["k.example"])
        #expect(throws: TLSCertificateError(file: key, problem: "no certificate in it")) {
            try TLSCertificateLoader.load(certificateFile: key, keyFile: key)
        }
    }

    @Test func aDirectoryOfPemAndCrtKeyFiles() throws {
        _ = try self.pair("b-domain", ["crm.acme-school.com"])
        let issued = try self.authority.issue(dnsNames: ["*.s20.online"])
        try TestCertificateAuthority.write(
            issued.certificatePEM + issued.keyPEM,
            to: "\(self.directory.path)/a-wild.pem"
        )
        try TestCertificateAuthority.write("not a certificate", to: "\(self.directory.path)/README")
        let loaded = try TLSCertificateLoader.loadDirectory(self.directory.path)
        #expect(loaded.map(\.names) == [["*.s20.online"], ["crm.acme-school.com"]])
    }

    @Test func aCrtWithoutItsKeyIsRefused() throws {
        let (certificate, key) = try self.pair("lonely", ["l.example"])
        try FileManager.default.removeItem(atPath: key)
        #expect(throws: TLSCertificateError(file: certificate, problem: "no key file \(key) beside it")) {
            try TLSCertificateLoader.loadDirectory(self.directory.path)
        }
    }

    @Test func sniPicksExactBeforeWildcardAndFallsBackToTheFirst() throws {
        let (wildCertificate, wildKey) = try self.pair("wild", ["*.s20.online"])
        let (acmeCertificate, acmeKey) = try self.pair("acme", ["crm.acme-school.com", "acme.s20.online"])
        let set = TLSCertificateSet([
            try TLSCertificateLoader.load(certificateFile: wildCertificate, keyFile: wildKey),
            try TLSCertificateLoader.load(certificateFile: acmeCertificate, keyFile: acmeKey),
        ])
        #expect(set.select(serverName: "school.s20.online").source == wildCertificate)
        #expect(set.select(serverName: "ACME.S20.ONLINE.").source == acmeCertificate)
        #expect(set.select(serverName: "crm.acme-school.com").source == acmeCertificate)
        // A wildcard covers one label only: with another certificate first, that one answers.
        let acmeFirst = TLSCertificateSet(set.certificates.reversed())
        #expect(acmeFirst.select(serverName: "x.s20.online").source == wildCertificate)
        #expect(acmeFirst.select(serverName: "a.b.s20.online").source == acmeCertificate)
        #expect(acmeFirst.select(serverName: "s20.online").source == acmeCertificate)
        #expect(set.select(serverName: "unknown.example").source == wildCertificate)
        #expect(set.select(serverName: nil).source == wildCertificate)
    }
}
