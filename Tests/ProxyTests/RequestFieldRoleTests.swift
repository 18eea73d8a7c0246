import Testing

@testable import Proxy

@Suite("RequestFieldRole")
struct RequestFieldRoleTests {
    static func role(_ name: String) -> RequestFieldRole { RequestFieldRole(name: Array(name.utf8)) }

    @Test(arguments: [
        ("TE", RequestFieldRole.hopByHop), ("Trailer", .other), ("UPGRADE", .hopByHop), ("keep-alive", .hopByHop),
        ("Proxy-Connection", .hopByHop), ("Transfer-Encoding", .hopByHop), ("Connection", .connection),
        ("content-length", .contentLength), ("X-Request-ID", .requestID), ("HOST", .host),
        ("X-Forwarded-For", .forwardedFor), ("x-forwarded-proto", .forwardedProto),
        ("X-Forwarded-Host", .forwardedHost),
        ("Forwarded", .otherForwarding), ("X-Forwarded-Prefix", .otherForwarding), ("x-forwarded-", .otherForwarding),
        ("X-Forwarded-Server", .otherForwarding),
    ])
    func namesAreRecognisedInAnyCase(name: String, role: RequestFieldRole) {
        #expect(Self.role(name) == role)
        #expect(Self.role(name.lowercased()) == role)
    }

    /// Names one letter off, or of the same length as one of the rules', are ordinary fields.
    @Test(arguments: [
        "Accept", "Cookie", "User-Agent", "Hosts", "Hos", "tx", "Connections", "Content-Type", "X-Request-Ik",
        "X-Forwarded", "X-ForwardedFor", "Forwarder", "Keep-Alivee", "Transfer-Encodinh", "Upgrada", "",
    ])
    func otherNamesAreOrdinary(name: String) {
        #expect(Self.role(name) == .other)
    }

    @Test func forwardingFieldsAreTheClientsOwnOnlyFromATrustedProxy() {
        let forwarding = [
            "Forwarded", "X-Forwarded-For", "x-forwarded-proto", "X-Forwarded-Host", "X-Forwarded-Prefix",
        ]
        for name in forwarding { #expect(Self.role(name).isClientForwarding, "\(name)") }
        for name in ["Host", "X-Request-Id", "Connection", "Accept", "X-Forwarded"] {
            #expect(!Self.role(name).isClientForwarding, "\(name)")
        }
    }
}
