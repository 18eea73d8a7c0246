import Foundation
import Testing

@testable import TestSupport

/// Ports for the servers tests start: free, distinct, and out of the range the kernel hands to
/// port-0 binds and outgoing connections, so no other test's socket can take one meanwhile.
@Suite struct FreePortTests {
    @Test func portsAreFreeDistinctAndBelowTheEphemeralRange() throws {
        let ephemeral = FreePort.ephemeralRangeStart()
        let ports = try (0..<50).map { _ in try FreePort.find() }
        #expect(Set(ports).count == ports.count)
        for port in ports {
            #expect(port < ephemeral, "\(port)")
            #expect(throws: Never.self) { try FreePort.bindable(port) }
        }
    }
}
