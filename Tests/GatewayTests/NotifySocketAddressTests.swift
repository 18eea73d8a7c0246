import Testing

@testable import Gateway

@Suite("NOTIFY_SOCKET addresses")
struct NotifySocketAddressTests {
    @Test func aPathKeepsItsBytesAndCountsItsTerminatingNUL() throws {
        let address = try #require(NotifySocketAddress("/run/systemd/notify"))
        #expect(!address.isAbstract)
        #expect(address.pathBytes == Array("/run/systemd/notify".utf8))
        #expect(address.sunPathLength == "/run/systemd/notify".utf8.count + 1)
    }

    @Test func anAtSignMeansTheAbstractNamespace() throws {
        let address = try #require(NotifySocketAddress("@/org/freedesktop/systemd1/notify/42"))
        #expect(address.isAbstract)
        #expect(address.pathBytes == [0] + Array("/org/freedesktop/systemd1/notify/42".utf8))
        // No trailing NUL: it would become part of the abstract name.
        #expect(address.sunPathLength == 1 + "/org/freedesktop/systemd1/notify/42".utf8.count)
    }

    @Test(arguments: ["", "@", "relative/path", "vsock:2:1234", "/" + String(repeating: "x", count: 107)])
    func unusableValuesAreRefused(value: String) {
        #expect(NotifySocketAddress(value) == nil)
    }

    @Test func theLongestPathsThatFit() {
        #expect(NotifySocketAddress("/" + String(repeating: "x", count: 106)) != nil)
        #expect(NotifySocketAddress("@" + String(repeating: "x", count: 107)) != nil)
        #expect(NotifySocketAddress("@" + String(repeating: "x", count: 108)) == nil)
    }

    @Test func theNotifierIsOffWithoutTheVariable() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"])?.address.isAbstract == false)
    }
}
