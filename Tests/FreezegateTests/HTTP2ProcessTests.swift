import Foundation
import TestSupport
import Testing

/// The Gate over HTTP/2 as real clients speak it, against the built binary: `curl --http2` one
/// request per connection and `nghttp` every path of a host multiplexed on one connection,
/// over the class × state matrix of ``GatewayEndToEndTests``; HEAD and JSON answers; the access
/// log naming the protocol.
@Suite("HTTP/2 clients against the binary", .serialized, .timeLimit(.minutes(5)))
struct HTTP2ProcessTests {
    /// Host, and whether a request of a class the frozen state blocks is blocked for it.
    static let hosts: [(host: String, blocks: Bool)] = [
        ("acme.s20.online", false),  // active
        ("school.s20.online", true),  // frozen
        ("oldschool.s20.online", true),  // expired
        ("nobody.s20.online", false),  // unknown tenant: cannot be frozen
        ("crm.acme-school.com", false),  // custom domain of an active tenant
    ]

    static func expectedStatus(blocks: Bool, forwardedWhenFrozen: Bool) -> Int {
        !blocks || forwardedWhenFrozen ? 200 : 403
    }

    /// Head and body of `curl -i` output (the last head: curl prints interim ones too).
    static func split(_ output: String) -> (head: String, body: String) {
        guard let range = output.range(of: "\r\n\r\n", options: .backwards) else { return (output, "") }
        return (String(output[..<range.lowerBound]), String(output[range.upperBound...]))
    }

    static func header(_ name: String, in head: String) -> String? {
        head.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    @Test func theClassByStateMatrixWithCurl() async throws {
        let gateway = try await HTTP2ProcessGateway.start()
        do {
            for (host, blocks) in Self.hosts {
                for (path, requestClass, forwardedWhenFrozen) in ProfileClassPaths.alfaCRM {
                    let context = "\(host)\(path) [\(requestClass)]"
                    let before = gateway.upstream.requests.count
                    let (head, body) = Self.split(try await gateway.curl(host: host, path: path))
                    let status = Self.expectedStatus(blocks: blocks, forwardedWhenFrozen: forwardedWhenFrozen)
                    #expect(head.hasPrefix("HTTP/2 \(status)"), "\(context): \(head)")
                    if status == 200 {
                        #expect(body == "upstream:\(path)", "\(context)")
                        #expect(gateway.upstream.requests.count == before + 1, "\(context)")
                        #expect(gateway.upstream.requests.last?.head.version == .http1_1, "\(context)")
                    } else {
                        #expect(Self.header("cache-control", in: head) == "no-store", "\(context)")
                        #expect(gateway.upstream.requests.count == before, "\(context): the upstream saw it")
                    }
                }
            }
            let count = Self.hosts.count * ProfileClassPaths.alfaCRM.count
            let lines = try await gateway.accessLog(count: count)
            #expect(lines.count == count)
            #expect(lines.allSatisfy { $0["protocol"] as? String == "HTTP/2.0" }, "\(lines.first ?? [:])")
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    /// All thirteen paths of a host at once on one `nghttp` connection: each stream gets its
    /// own decision, and the access log has a line per stream with protocol HTTP/2.0.
    @Test func theClassByStateMatrixMultiplexedWithNghttp() async throws {
        let gateway = try await HTTP2ProcessGateway.start()
        do {
            let paths = ProfileClassPaths.alfaCRM.map(\.path)
            for (host, blocks) in Self.hosts {
                let before = gateway.upstream.requests.count
                let statuses = Self.statusesByPath(try await gateway.nghttp(host: host, paths: paths))
                var forwarded = 0
                for (path, requestClass, forwardedWhenFrozen) in ProfileClassPaths.alfaCRM {
                    let status = Self.expectedStatus(blocks: blocks, forwardedWhenFrozen: forwardedWhenFrozen)
                    #expect(statuses[path] == status, "\(host)\(path) [\(requestClass)]: \(statuses)")
                    if status == 200 { forwarded += 1 }
                }
                #expect(gateway.upstream.requests.count == before + forwarded, "\(host)")
            }
            let count = Self.hosts.count * paths.count
            let lines = try await gateway.accessLog(count: count)
            for (host, blocks) in Self.hosts {
                for (path, _, forwardedWhenFrozen) in ProfileClassPaths.alfaCRM {
                    let line = lines.first { $0["host"] as? String == host && $0["target"] as? String == path }
                    #expect(line?["protocol"] as? String == "HTTP/2.0", "\(host)\(path): \(line ?? [:])")
                    #expect(
                        line?["status"] as? Int
                            == Self.expectedStatus(blocks: blocks, forwardedWhenFrozen: forwardedWhenFrozen),
                        "\(host)\(path)"
                    )
                }
            }
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    @Test func headAndJSONBlockedAnswersOverHTTP2() async throws {
        let gateway = try await HTTP2ProcessGateway.start()
        do {
            let get = Self.split(try await gateway.curl(host: "school.s20.online", path: "/company/1/x"))
            let head = Self.split(try await gateway.curl("HEAD", host: "school.s20.online", path: "/company/1/x"))
            #expect(head.head.hasPrefix("HTTP/2 403"), "\(head.head)")
            #expect(head.body.isEmpty)
            #expect(Self.header("content-length", in: head.head) == Self.header("content-length", in: get.head))
            #expect(Self.header("content-length", in: get.head) == String(get.body.utf8.count))

            let json = Self.split(
                try await gateway.curl(
                    host: "school.s20.online",
                    path: "/company/3/users",
                    headers: ["Accept: application/json"]
                )
            )
            #expect(json.head.hasPrefix("HTTP/2 403"), "\(json.head)")
            #expect(Self.header("content-type", in: json.head)?.hasPrefix("application/json") == true)
            let frozen = try #require(try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: Any])
            #expect(frozen["error"] as? String == "tenant_frozen")
            #expect(frozen["tenant"] as? String == "school")
            #expect(frozen["licensing_url"] as? String == "/company/3/licensing")

            let xhr = Self.split(
                try await gateway.curl(
                    host: "oldschool.s20.online",
                    path: "/teacher/1/x",
                    headers: ["X-Requested-With: XMLHttpRequest"]
                )
            )
            let expired = try #require(try JSONSerialization.jsonObject(with: Data(xhr.body.utf8)) as? [String: Any])
            #expect(expired["error"] as? String == "license_expired")
            #expect(gateway.upstream.requests.isEmpty)

            let lines = try await gateway.accessLog(count: 4)
            #expect(lines.map { $0["method"] as? String } == ["GET", "HEAD", "GET", "GET"])
            #expect(lines.allSatisfy { $0["protocol"] as? String == "HTTP/2.0" && $0["status"] as? Int == 403 })
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    /// `:status` of each `:path` in `nghttp -v` output: the request HEADERS it sends name the
    /// stream and the path; the response HEADERS name the stream and the status.
    static func statusesByPath(_ output: String) -> [String: Int] {
        var pathOfStream: [String: String] = [:]
        var statusOfStream: [String: Int] = [:]
        var sending: String?
        for line in output.split(separator: "\n") {
            if line.contains("send HEADERS frame"), let id = line.split(separator: "stream_id=").last {
                sending = String(id.prefix { $0.isNumber })
            } else if let stream = sending, let range = line.range(of: ":path: ") {
                pathOfStream[stream] = String(line[range.upperBound...])
                sending = nil
            } else if line.contains(":status: "), let id = line.split(separator: "stream_id=").last {
                let stream = String(id.prefix { $0.isNumber })
                statusOfStream[stream] = line.split(separator: " ").last.flatMap { Int($0) }
            }
        }
        var statuses: [String: Int] = [:]
        for (stream, path) in pathOfStream {
            statuses[path] = statusOfStream[stream]
        }
        return statuses
    }
}
