import ArgumentParser
import NIOCore
import Testing

@testable import FreezeGateCLI

@Suite struct ListenerAddressOverlapTests {
    private static func address(_ ip: String, _ port: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: ip, port: port)
    }

    @Test(arguments: [
        ("127.0.0.1", 8080, "127.0.0.1", 8080, true),
        ("0.0.0.0", 8080, "127.0.0.1", 8080, true),
        ("127.0.0.1", 8080, "0.0.0.0", 8080, true),
        ("::", 8080, "127.0.0.1", 8080, true),
        ("::1", 8080, "::", 8080, true),
        ("::1", 8080, "::1", 8080, true),
        ("0.0.0.0", 8080, "::1", 8080, false),
        ("127.0.0.1", 8080, "127.0.0.2", 8080, false),
        ("127.0.0.1", 8080, "127.0.0.1", 9090, false),
        ("127.0.0.1", 0, "127.0.0.1", 0, false),
    ])
    func collision(firstIP: String, firstPort: Int, secondIP: String, secondPort: Int, collides: Bool) throws {
        let first = try Self.address(firstIP, firstPort)
        let second = try Self.address(secondIP, secondPort)
        #expect(ListenerAddressOverlap.collide(first, second) == collides)
    }

    @Test func theErrorNamesBothSettings() throws {
        let error = #expect(throws: ValidationError.self) {
            try ListenerAddressOverlap.check([
                ("--listen", try Self.address("127.0.0.1", 8080)),
                ("--tls-listen", try Self.address("127.0.0.1", 8443)),
                ("FREEZEGATE_ADMIN_LISTEN", try Self.address("0.0.0.0", 8080)),
            ])
        }
        #expect(
            error?.message
                == "FREEZEGATE_ADMIN_LISTEN 0.0.0.0:8080 is the address of --listen too: each listener needs its own port"
        )
        try ListenerAddressOverlap.check([
            ("--listen", try Self.address("127.0.0.1", 8080)),
            ("--admin-listen", try Self.address("127.0.0.1", 9090)),
        ])
    }
}
