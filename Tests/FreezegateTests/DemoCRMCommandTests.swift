import Foundation
import TestSupport
import Testing

/// The demo CRM as a client sees it: pages per section, the tenant from Host, the JSON API with its
/// token, webhooks, static files, the echo endpoint, keep-alive and request bodies.
@Suite("freezegate-demo-crm", .timeLimit(.minutes(2)))
struct DemoCRMCommandTests {
    private func get(
        _ path: String,
        host: String = "acme.s20.online",
        on port: Int
    ) throws -> BlockingHTTPConnection.Response {
        let connection = try BlockingHTTPConnection(port: port)
        try connection.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        return try connection.readResponse()
    }

    @Test func pagesOfEverySectionShowTheTenantAndLinkTheOthers() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        for path in [
            "/", "/login", "/company/1/dashboard", "/company/1/customers", "/company/1/lessons",
            "/company/1/licensing", "/teacher/1/journal", "/customer/1/schedule", "/customer/1/balance",
        ] {
            let response = try get(path, host: "school.s20.online:8080", on: crm.port)
            #expect(response.status == 200, "\(path)")
            #expect(response.header("Content-Type") == "text/html; charset=utf-8", "\(path)")
            #expect(response.text.contains("Школа school"), "\(path)")
            #expect(response.text.contains("href=\"/company/1/licensing\""), "\(path)")
            #expect(response.text.contains("href=\"/teacher/1/journal\""), "\(path)")
        }
        #expect(try get("/company/7/licensing", on: crm.port).text.contains("/company/7/licensing/pay"))
        #expect(try get("/company/1/nothing-here", on: crm.port).status == 404)
        #expect(try get("/elsewhere", on: crm.port).status == 404)
    }

    @Test func aCustomDomainShowsTheTenantItBelongsTo() async throws {
        let crm = try await DemoCRMProcess.start(["--domain", "crm.acme-school.localhost=acme"])
        defer { crm.stop() }
        let page = try get("/company/1/dashboard", host: "CRM.acme-school.localhost:8080", on: crm.port)
        #expect(page.status == 200)
        #expect(page.text.contains("Школа acme"), "\(page.text)")
        #expect(page.text.contains("домен crm.acme-school.localhost"))
        #expect(!page.text.contains("Школа crm"))
        // By its subdomain the same school shows no domain line.
        let bySubdomain = try get("/company/1/dashboard", host: "acme.s20.online", on: crm.port)
        #expect(bySubdomain.text.contains("Школа acme"))
        #expect(!bySubdomain.text.contains("домен "))
        // An unregistered domain is still read by its first label.
        #expect(try get("/login", host: "crm.other-school.localhost", on: crm.port).text.contains("Школа crm"))
    }

    @Test func aMalformedDomainOptionIsAUsageError() async throws {
        let outcome = try await ChildProcess.run([BuiltProducts.demoCRM, "--domain", "crm.acme-school.localhost"])
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains("--domain must look like DOMAIN=TENANT"))
    }

    @Test func theTenantNameFromTheHostIsEscaped() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let response = try get("/login", host: "<b>x.s20.online", on: crm.port)
        #expect(!response.text.contains("<b>x"))
        #expect(response.text.contains("Школа &lt;b&gt;x"))
    }

    @Test func theAPILogsInWithATokenAndChecksIt() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let connection = try BlockingHTTPConnection(port: crm.port)
        let body = #"{"email": "api@acme.example", "key": "secret"}"#
        try connection.send(
            "POST /v2api/auth/login HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
        let login = try connection.readResponse()
        #expect(login.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: Any]
        let token = try #require(object?["token"] as? String)
        try connection.send(
            "POST /v2api/1/customer/index HTTP/1.1\r\nHost: acme.s20.online\r\nX-ALFACRM-TOKEN: \(token)\r\nContent-Length: 2\r\n\r\n{}"
        )
        let customers = try connection.readResponse()
        #expect(customers.status == 200)
        let list = try JSONSerialization.jsonObject(with: Data(customers.body)) as? [String: Any]
        #expect((list?["items"] as? [Any])?.count == 3)
        #expect(list?["tenant"] as? String == "acme")
        try connection.send("GET /v2api/1/lesson/index HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
        #expect(try connection.readResponse().status == 401)
        try connection.send("POST /v2api/auth/login HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 2\r\n\r\n{}")
        #expect(try connection.readResponse().status == 400)
    }

    @Test func webhooksAnswerOkToPostsOnly() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let connection = try BlockingHTTPConnection(port: crm.port)
        try connection.send("POST /api/1/payment HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 5\r\n\r\nhello")
        let posted = try connection.readResponse()
        #expect(posted.status == 200)
        #expect(posted.text == #"{"ok":true}"#)
        try connection.send("GET /api/1/payment HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
        #expect(try connection.readResponse().status == 405)
    }

    @Test func staticFiles() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let css = try get("/assets/app.css", on: crm.port)
        #expect(css.status == 200)
        #expect(css.header("Content-Type")?.hasPrefix("text/css") == true)
        #expect(try get("/favicon.ico", on: crm.port).status == 200)
        let robots = try get("/robots.txt", on: crm.port)
        #expect(robots.text == "User-agent: *\nDisallow: /\n")
        #expect(try get("/assets/missing.js", on: crm.port).status == 404)
    }

    @Test func echoReportsMethodTargetHeadersAndBodyOnAKeptAliveConnection() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let connection = try BlockingHTTPConnection(port: crm.port)
        for round in 1...3 {
            let body = String(repeating: "x", count: round * 1000)
            try connection.send(
                "PUT /__demo/echo?round=\(round) HTTP/1.1\r\nHost: acme.s20.online\r\nX-Custom: \(round)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
            let response = try connection.readResponse()
            #expect(response.status == 200)
            let echo = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(echo["method"] as? String == "PUT")
            #expect(echo["target"] as? String == "/__demo/echo?round=\(round)")
            #expect(echo["body_length"] as? Int == round * 1000)
            #expect(echo["body"] as? String == body)
            let headers = (echo["headers"] as? [[String]]) ?? []
            #expect(headers.contains(["X-Custom", "\(round)"]))
            #expect(headers.contains(["Host", "acme.s20.online"]))
        }
        // A chunked body is read too.
        try connection.send(
            "POST /__demo/echo HTTP/1.1\r\nHost: acme.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        let chunked = try #require(
            try JSONSerialization.jsonObject(with: Data(try connection.readResponse().body)) as? [String: Any]
        )
        #expect(chunked["body"] as? String == "hello world")
    }

    @Test func headGetsTheHeadersOnlyAndConnectionCloseIsHonoured() async throws {
        let crm = try await DemoCRMProcess.start()
        defer { crm.stop() }
        let connection = try BlockingHTTPConnection(port: crm.port)
        try connection.send("HEAD /company/1/dashboard HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
        let head = try connection.readResponse(bodyless: true)
        #expect(head.status == 200)
        #expect(Int(head.header("Content-Length") ?? "0") ?? 0 > 0)
        try connection.send("GET /robots.txt HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n")
        let last = try connection.readResponse()
        #expect(last.status == 200)
        #expect(last.header("Connection") == "close")
        #expect(connection.isClosedByPeer())
    }

    @Test func aBadListenAddressIsAUsageError() async throws {
        let outcome = try await ChildProcess.run([BuiltProducts.demoCRM, "--listen", "nonsense"], timeLimit: 60)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("--listen must look like HOST:PORT"))
    }
}
