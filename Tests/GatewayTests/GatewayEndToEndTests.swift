import Foundation
import Gate
import NIOHTTP1
import Postgres
import TestSupport
import Testing

@testable import Gateway

/// The gateway as a whole: real PostgreSQL, the live snapshot, the Gate, the proxy, a real upstream.
@Suite("Gateway end to end", .serialized, .timeLimit(.minutes(3)))
struct GatewayEndToEndTests {
    @Test func theClassByStateMatrix() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let hosts: [(host: String, blocks: Bool)] = [
            ("acme.s20.online", false),  // active
            ("school.s20.online", true),  // frozen
            ("oldschool.s20.online", true),  // expired
            ("nobody.s20.online", false),  // unknown tenant: cannot be frozen
            ("crm.acme-school.com", false),  // custom domain of an active tenant
        ]
        for (host, blocks) in hosts {
            for (path, requestClass, forwardedWhenFrozen) in ProfileClassPaths.alfaCRM {
                let before = harness.upstream.requests.count
                let response = try #require(try await harness.send(path, host: host))
                let forwarded = !blocks || forwardedWhenFrozen
                let context = "\(host)\(path) [\(requestClass)]"
                if forwarded {
                    #expect(response.status == 200, "\(context)")
                    #expect(response.bodyText == "upstream:\(path)", "\(context)")
                    #expect(harness.upstream.requests.count == before + 1, "\(context)")
                } else {
                    #expect(response.status == 403, "\(context)")
                    #expect(response.header("cache-control") == "no-store", "\(context)")
                    #expect(harness.upstream.requests.count == before, "\(context): the upstream saw it")
                }
            }
        }
    }

    @Test func jsonForClientsThatAskForItAndHTMLOtherwise() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let json = try #require(
            try await harness.send(
                "/company/3/users",
                host: "school.s20.online",
                headers: [("Accept", "application/json")]
            )
        )
        #expect(json.status == 403)
        #expect(json.header("content-type")?.hasPrefix("application/json") == true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body)) as? [String: Any])
        #expect(object["error"] as? String == "tenant_frozen")
        #expect(object["tenant"] as? String == "school")
        #expect(object["licensing_url"] as? String == "/company/3/licensing")
        let until = try #require(object["until"] as? String)
        #expect(until.hasSuffix("Z"))

        let xhr = try #require(
            try await harness.send(
                "/teacher/1/x",
                host: "oldschool.s20.online",
                headers: [("X-Requested-With", "XMLHttpRequest")]
            )
        )
        let expired = try #require(try JSONSerialization.jsonObject(with: Data(xhr.body)) as? [String: Any])
        #expect(expired["error"] as? String == "license_expired")
        #expect(expired["until"] is NSNull)
        #expect(expired["licensing_url"] is NSNull)

        let russian = try #require(try await harness.send("/company/1/dashboard", host: "school.s20.online"))
        #expect(russian.header("content-type")?.hasPrefix("text/html") == true)
        #expect(russian.bodyText.contains("/company/1/licensing"))
        #expect(russian.bodyText.range(of: "[А-Яа-я]", options: .regularExpression) != nil)
        let english = try #require(
            try await harness.send(
                "/company/1/dashboard",
                host: "school.s20.online",
                headers: [("Accept-Language", "en-GB,en;q=0.9,ru;q=0.5")]
            )
        )
        #expect(english.bodyText.lowercased().contains("frozen"))
    }

    @Test func headGetsTheHeadersOnly() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let get = try #require(try await harness.send("/company/1/x", method: "GET", host: "school.s20.online"))
        let head = try #require(try await harness.send("/company/1/x", method: "HEAD", host: "school.s20.online"))
        #expect(head.status == 403)
        #expect(head.body.isEmpty)
        #expect(head.header("content-length") == get.header("content-length"))
    }

    @Test func aBlockedPostsBodyNeverReachesTheUpstream() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let response = try #require(
            try await harness.send(
                "/company/1/customers/create",
                method: "POST",
                host: "school.s20.online",
                body: "name=secret"
            )
        )
        #expect(response.status == 403)
        #expect(harness.upstream.requests.isEmpty)
        // The same POST to a webhook of the frozen tenant is forwarded with its body.
        let webhook = try #require(
            try await harness.send("/api/1/payment", method: "POST", host: "school.s20.online", body: "amount=100")
        )
        #expect(webhook.status == 200)
        #expect(harness.upstream.requests.map(\.bodyString) == ["amount=100"])
    }

    @Test func everyCorpusTargetIsKeptFromTheUpstreamWhileFrozen() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        /// How often `line` occurs in everything the upstream received (pooled connections keep
        /// growing, so positions are not stable; counts are).
        func occurrences(of line: [UInt8]) -> Int {
            let arrived = Array(harness.upstream.receivedBytes.joined())
            guard arrived.count >= line.count else { return 0 }
            return (0...(arrived.count - line.count)).filter { arrived[$0..<($0 + line.count)].elementsEqual(line) }
                .count
        }
        for attack in attackCorpus {
            let requestLine = Array("GET \(attack.target) HTTP/1.1\r\n".utf8)
            let bytesBefore = harness.upstream.receivedBytes.joined().count
            let before = occurrences(of: requestLine)
            let response = try await harness.send(attack.target, host: "school.s20.online")
            let status = response?.status ?? 0
            switch attack.expected {
            case .block:
                #expect(status == 403, "\(attack): status \(status)")
                #expect(harness.upstream.receivedBytes.joined().count == bytesBefore, "\(attack): reached the upstream")
            case .forward:
                // Every reading is a class the frozen school keeps: forwarded byte for byte (the
                // recording upstream's own decoder may then refuse a raw non-ASCII target).
                #expect(status != 403, "\(attack): status \(status)")
                #expect(occurrences(of: requestLine) == before + 1, "\(attack): not forwarded byte for byte")
            }
        }
        let forwardedTargets = harness.upstream.requests.count
        for (name, value) in headerAttackCorpus {
            _ = try await harness.send("/customer/1/x", host: "school.s20.online", headers: [(name, value)])
        }
        for request in harness.upstream.requests.dropFirst(forwardedTargets) {
            for (name, _) in headerAttackCorpus {
                #expect(request.head.headers[name].isEmpty, "\(name) reached the upstream")
            }
        }
    }

    /// Every name of the routing-override list, as spelled in the list and upper-cased, sent with
    /// a frozen school's forwarded request: none reaches the upstream's socket.
    @Test func everyListedRoutingOverrideIsRemovedOnTheWire() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let names = HeaderHygiene.routingOverrideHeaders.sorted()
        var headers: [(String, String)] = []
        for name in names {
            headers.append((name, "/company/1/users"))
            headers.append((name.uppercased(), "/teacher/1"))
        }
        let response = try await harness.send("/customer/1/x", host: "school.s20.online", headers: headers)
        #expect(response?.status == 200)
        let arrived = String(decoding: harness.upstream.receivedBytes.joined(), as: UTF8.self).lowercased()
        #expect(arrived.contains("get /customer/1/x http/1.1\r\n"))
        for name in names {
            #expect(!arrived.contains("\r\n\(name):"), "\(name) reached the upstream")
        }
    }

    @Test func aFreezeCommittedInSQLTakesEffectAndAnUnfreezeLiftsIt() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        #expect(try await harness.send("/company/1/x", host: "acme.s20.online")?.status == 200)
        try await harness.database.query(
            "SELECT freezegate.force_freeze('acme', now(), now() + interval '31 days', 'support ticket 1')"
        )
        try await harness.waitUntil("acme is blocked") {
            try await harness.send("/company/1/x", host: "acme.s20.online")?.status == 403
        }
        // Through the custom domain too.
        #expect(try await harness.send("/company/1/x", host: "CRM.Acme-School.com.")?.status == 403)
        try await harness.database.query("SELECT freezegate.unfreeze('acme')")
        try await harness.waitUntil("acme is forwarded again") {
            try await harness.send("/company/1/x", host: "acme.s20.online")?.status == 200
        }
    }

    @Test func malformedHostsAreRejectedAndNotForwarded() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let twoHosts = try await RawHTTPConnection.exchange(
            "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nHost: school.s20.online\r\n\r\n",
            with: harness.proxyAddress,
            group: harness.group
        )
        #expect(twoHosts.responses.first?.status == 400)
        let noHost = try await RawHTTPConnection.exchange(
            "GET /customer/1 HTTP/1.1\r\n\r\n",
            with: harness.proxyAddress,
            group: harness.group
        )
        #expect(noHost.responses.first?.status == 400)
        #expect(harness.upstream.requests.isEmpty)
    }

    @Test func anAbsoluteFormTargetIsResolvedFromTheTarget() async throws {
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let blocked = try #require(
            try await harness.send("http://school.s20.online/company/1/x", host: "acme.s20.online")
        )
        #expect(blocked.status == 403)
        let forwarded = try #require(
            try await harness.send("http://school.s20.online/customer/1/x", host: "acme.s20.online")
        )
        #expect(forwarded.status == 200)
        let seen = try #require(harness.upstream.requests.last)
        #expect(seen.head.uri == "/customer/1/x")
        #expect(seen.head.headers["Host"] == ["school.s20.online"])
    }
}
