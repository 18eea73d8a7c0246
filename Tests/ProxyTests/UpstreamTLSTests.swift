import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport
import Testing

@testable import Proxy

/// `--upstream https://…`: the upstream's certificate is verified (trust anchors, name); one that
/// does not verify is a 502, never a request sent in the clear or to an impostor.
@Suite struct UpstreamTLSTests {
    static func serverContext(_ issued: (certificatePEM: String, keyPEM: String)) throws -> NIOSSLContext {
        try NIOSSLContext(
            configuration: TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map {
                    .certificate($0)
                },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.keyPEM.utf8), format: .pem))
            )
        )
    }

    /// Answers one request through a proxy whose upstream speaks TLS with `issued`, trusting
    /// `trusted`'s CA; returns the status and whether the upstream saw the request.
    static func exchange(
        upstreamCertificate issued: (certificatePEM: String, keyPEM: String),
        trusting trusted: TestCertificateAuthority
    ) async throws -> (status: Int?, reachedUpstream: Bool) {
        let folder = try TemporaryDirectory()
        try TestCertificateAuthority.write(trusted.certificatePEM, to: folder.path + "/ca.pem")
        let upstreamTLS = try UpstreamTLS.make(serverHostname: "crm.internal", caFile: folder.path + "/ca.pem")
        let overTLS: (inout ProxyConfiguration) -> Void = {
            $0.upstreamTLS = upstreamTLS
            $0.upstreamGroups.defaultGroup.servers[0].tls = true
        }
        return try await withProxy(upstreamTLS: try Self.serverContext(issued), configure: overTLS) { harness in
            let result = try await harness.exchange(
                "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n"
            )
            return (result.responses.first?.status, !harness.upstream.requests.isEmpty)
        }
    }

    @Test func aVerifiedUpstreamIsForwardedTo() async throws {
        let authority = try TestCertificateAuthority()
        let outcome = try await Self.exchange(
            upstreamCertificate: try authority.issue(dnsNames: ["crm.internal"]),
            trusting: authority
        )
        #expect(outcome.status == 200)
        #expect(outcome.reachedUpstream)
    }

    @Test func aCertificateForAnotherNameIs502() async throws {
        let authority = try TestCertificateAuthority()
        let outcome = try await Self.exchange(
            upstreamCertificate: try authority.issue(dnsNames: ["other.example"]),
            trusting: authority
        )
        #expect(outcome.status == 502)
        #expect(!outcome.reachedUpstream)
    }

    @Test func aCertificateFromAnUntrustedAuthorityIs502() async throws {
        let stranger = try TestCertificateAuthority(name: "Somebody Else")
        let outcome = try await Self.exchange(
            upstreamCertificate: try stranger.issue(dnsNames: ["crm.internal"]),
            trusting: try TestCertificateAuthority()
        )
        #expect(outcome.status == 502)
        #expect(!outcome.reachedUpstream)
    }

    /// Mutual TLS: a CRM that accepts only clients with a certificate of its CA gets the
    /// gateway's requests when `--upstream-client-cert/-key` are given, and refuses them otherwise.
    @Test(arguments: [true, false])
    func aClientCertificateForMutualTLS(withCertificate: Bool) async throws {
        let authority = try TestCertificateAuthority()
        let folder = try TemporaryDirectory()
        try TestCertificateAuthority.write(authority.certificatePEM, to: folder.path + "/ca.pem")
        let client = try authority.issue(dnsNames: ["gateway.internal"])
        try TestCertificateAuthority.write(client.certificatePEM, to: folder.path + "/client.crt")
        try TestCertificateAuthority.write(client.keyPEM, to: folder.path + "/client.key")
        let clientCertificate =
            withCertificate
            ? try TLSCertificateLoader.load(
                certificateFile: folder.path + "/client.crt",
                keyFile: folder.path + "/client.key",
                requireDNSName: false
            ) : nil
        let upstreamTLS = try UpstreamTLS.make(
            serverHostname: "crm.internal",
            caFile: folder.path + "/ca.pem",
            clientCertificate: clientCertificate
        )
        let server = try authority.issue(dnsNames: ["crm.internal"])
        var serverConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(server.certificatePEM.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(server.keyPEM.utf8), format: .pem))
        )
        serverConfiguration.certificateVerification = .noHostnameVerification
        serverConfiguration.trustRoots = .file(folder.path + "/ca.pem")
        let overTLS: (inout ProxyConfiguration) -> Void = {
            $0.upstreamTLS = upstreamTLS
            $0.upstreamGroups.defaultGroup.servers[0].tls = true
        }
        let outcome = try await withProxy(
            upstreamTLS: try NIOSSLContext(configuration: serverConfiguration),
            configure: overTLS
        ) { harness in
            let result = try await harness.exchange(
                "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n"
            )
            return (result.responses.first?.status, !harness.upstream.requests.isEmpty)
        }
        #expect(outcome.0 == (withCertificate ? 200 : 502))
        #expect(outcome.1 == withCertificate)
    }
}
