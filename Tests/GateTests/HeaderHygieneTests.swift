import Foundation
import NIOHTTP1
import Testing

@testable import Gate

@Suite struct HeaderHygieneTests {
    @Test(arguments: [
        "X-Original-URL", "x-original-url", "X-Rewrite-URL", "X-Forwarded-Prefix", "X-Forwarded-Path",
        "X-Forwarded-Uri",
        "X-Override-URL", "X-Forwarded-Server", "X-Original-URI", "X-Envoy-Original-Path", "X-Host",
        "X-HTTP-Host-Override",
        "X-Forwarded-Script-Name", "X_Original_URL", "x_forwarded_for", "Content_Type", "_", "X-Custom_Header",
    ])
    func routingOverridesAreRemoved(name: String) {
        let headers = HTTPHeaders([("Host", "acme.s20.online"), (name, "/company/1"), ("Accept", "*/*")])
        let cleaned = HeaderHygiene.clean(headers, removeMethodOverrides: false)
        #expect(cleaned[name].isEmpty)
        #expect(cleaned.map(\.name) == ["Host", "Accept"])
    }

    @Test func methodOverridesOnlyWhenAsked() {
        let headers = HTTPHeaders([
            ("X-HTTP-Method-Override", "DELETE"), ("X-HTTP-Method", "PUT"), ("X-Method-Override", "PATCH"),
            ("Accept", "*/*"),
        ])
        #expect(HeaderHygiene.clean(headers, removeMethodOverrides: false) == headers)
        #expect(HeaderHygiene.clean(headers, removeMethodOverrides: true).map(\.name) == ["Accept"])
    }

    @Test func ordinaryHeadersAreUntouched() {
        let headers = HTTPHeaders([
            ("Host", "acme.s20.online"), ("Cookie", "a=b"), ("X-Requested-With", "XMLHttpRequest"),
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("X-Forwarded-For", "1.2.3.4"),
        ])
        #expect(HeaderHygiene.clean(headers, removeMethodOverrides: true) == headers)
    }

    @Test func h2cUpgradeIsRemoved() {
        let headers = HTTPHeaders([
            ("Host", "acme.s20.online"), ("Upgrade", "h2c"), ("HTTP2-Settings", "AAMAAABkAAQAAP__"),
            ("Connection", "Upgrade, HTTP2-Settings"),
        ])
        let cleaned = HeaderHygiene.clean(headers, removeMethodOverrides: false)
        #expect(cleaned["Upgrade"].isEmpty)
        #expect(cleaned["HTTP2-Settings"].isEmpty)
        #expect(cleaned["Host"] == ["acme.s20.online"])
    }

    /// An h2c upgrade is found with no other removable field beside it (the walk of the
    /// pre-filter lets `Upgrade` through), whatever the case of the name and the token.
    @Test func anH2CUpgradeAloneIsRemoved() {
        let headers = HTTPHeaders([("Host", "acme.s20.online"), ("UPGRADE", " H2C "), ("Connection", "upgrade")])
        let cleaned = HeaderHygiene.clean(headers, removeMethodOverrides: false)
        #expect(cleaned["Upgrade"].isEmpty)
        #expect(cleaned["Connection"] == ["upgrade"])
        #expect(cleaned["Host"] == ["acme.s20.online"])
    }

    @Test func aLoneHTTP2SettingsIsRemovedToo() {
        let headers = HTTPHeaders([("Host", "acme.s20.online"), ("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")])
        let cleaned = HeaderHygiene.clean(headers, removeMethodOverrides: false)
        #expect(cleaned["HTTP2-Settings"].isEmpty)
        #expect(cleaned["Host"] == ["acme.s20.online"])
    }

    /// The pre-filter must let through every name a rule can remove, in any case.
    @Test func preFilterNeverHidesARemovableName() {
        let removable =
            HeaderHygiene.routingOverrideHeaders.union(HeaderHygiene.methodOverrideHeaders)
            .union(["http2-settings", "upgrade", "x_anything", "accept_language"])
        for name in removable {
            #expect(HeaderHygiene.mayBeRemoved(name), "\(name)")
            #expect(HeaderHygiene.mayBeRemoved(name.uppercased()), "\(name)")
        }
        for name in ["Host", "Accept", "User-Agent", "Content-Type", "Cookie", "Authorization", "Base"] {
            #expect(!HeaderHygiene.mayBeRemoved(name), "\(name)")
        }
    }
}

@Suite struct RoutingOverrideListTests {
    /// The names the product documentation lists (the first column of its table).
    static func documentedNames() throws -> Set<String> {
        let page = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/ROUTING-OVERRIDES.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            names.insert(cell.lowercased())
        }
        return names
    }

    @Test func theDocumentationListsExactlyTheRemovedNames() throws {
        #expect(try Self.documentedNames() == HeaderHygiene.routingOverrideHeaders)
    }

    @Test(arguments: [
        "Request-Uri", "X-Request-Uri", "X-HTTP-Path-Override", "X-Original-URI", "X-Original-Url", "X-Rewrite-Url",
        "X-Forwarded-Path", "X-Forwarded-Prefix", "X-Forwarded-Uri", "Base-Url", "X-Proxy-Url", "Forwarded-Host",
        "Proxy-Host", "X-Host", "X-Forwarded-Server", "X-HTTP-Host-Override",
    ])
    func everyRequiredNameIsRemoved(name: String) {
        let headers = HTTPHeaders([("Host", "acme.s20.online"), (name, "/company/1"), ("Accept", "*/*")])
        #expect(HeaderHygiene.clean(headers, removeMethodOverrides: false).map(\.name) == ["Host", "Accept"])
    }
}
