import Benchmark
import Foundation
import Gate
import HTTPHead
import NIOHTTP1
import TenantModel

/// Heap allocations of one gate decision (`Gate.decide`), for the decisions a gateway makes most:
/// forwarding an active school's request, forwarding a frozen school's client-cabinet request, and
/// blocking a frozen school's administrator request (a JSON answer and the HTML page, each made
/// and from an event loop's cache). Counted, not timed: the count of a pure function is the same
/// on every machine and every run, so CI compares it with the one recorded in Thresholds/ and fails
/// when it grows.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(1),
        maxIterations: 1_000,
        // Exactly the count recorded (Thresholds/ keeps each benchmark's p90; a pure function's count
        // is the same in every iteration): an allocation more is a regression, one fewer an
        // improvement to record.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
    )

    let now = Date(timeIntervalSince1970: 1_815_652_800)  // 2027-07-15 12:00 UTC
    let day: TimeInterval = 86_400
    let snapshot = TenantSnapshot(
        records: [
            TenantRecord(
                key: "acme",
                paidUntil: now + 48 * day,
                freezes: [FreezeWindow(id: 1, start: now - 14 * day, end: now + 17 * day)]
            ),
            TenantRecord(key: "beta", paidUntil: now + 48 * day),
            TenantRecord(key: "delta", paidUntil: now + 48 * day, domains: ["crm.delta-school.edu"]),
        ],
        loadedAt: now
    )
    let gate = Gate(profile: .alfaCRM, baseDomains: ["s20.online"])

    // Heads as the proxy hands them to the Gate (fields as bytes), made before counting starts.
    func head(_ target: String, host: String, accept: String? = nil) -> RequestHead {
        var headers = HTTPHeaders([
            ("Host", host), ("User-Agent", "Mozilla/5.0"), ("Cookie", "session=0123456789abcdef"),
        ])
        if let accept { headers.add(name: "Accept", value: accept) }
        return RequestHead(HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers))
    }

    // Names without spaces: the recorded counts are files named after them (Thresholds/).
    func decisionBenchmark(_ name: String, _ request: RequestHead, expecting expected: String) {
        // The decision is checked once before counting, so that a benchmark of the wrong path fails.
        let summary = gate.decide(head: request, snapshot: snapshot, now: now).summary.decision
        precondition(summary == expected, "\(name): decided \(summary), expected \(expected)")
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(gate.decide(head: request, snapshot: snapshot, now: now))
            }
        }
    }

    /// As the gateway decides: with an event loop's cache, which already holds the answer, and a
    /// request ID per request (spliced into a cached page).
    func cachedPageBenchmark(_ name: String, _ request: RequestHead) {
        let cache = BlockedPageCache()
        let requestID = "0123456789abcdef0123456789abcdef"
        let decision = gate.decide(head: request, snapshot: snapshot, now: now, requestID: requestID, pageCache: cache)
        precondition(
            decision.summary.decision == "block" && cache.count + cache.jsonCount == 1,
            "\(name): not a cached answer"
        )
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(
                    gate.decide(head: request, snapshot: snapshot, now: now, requestID: requestID, pageCache: cache)
                )
            }
        }
    }

    decisionBenchmark(
        "decide_active_school_administrator_page_forward",
        head("/company/1/users/index?page=2", host: "beta.s20.online"),
        expecting: "forward"
    )
    decisionBenchmark(
        "decide_custom_domain_administrator_page_forward",
        head("/company/1/dashboard", host: "crm.delta-school.edu"),
        expecting: "forward"
    )
    decisionBenchmark(
        "decide_frozen_school_client_cabinet_forward",
        head("/customer/1/lessons", host: "acme.s20.online"),
        expecting: "forward"
    )
    decisionBenchmark(
        "decide_frozen_school_administrator_API_block_JSON",
        head("/company/1/users", host: "acme.s20.online", accept: "application/json"),
        expecting: "block"
    )
    decisionBenchmark(
        "decide_frozen_school_administrator_page_block_HTML",
        head("/company/1/users", host: "acme.s20.online", accept: "text/html"),
        expecting: "block"
    )
    cachedPageBenchmark(
        "decide_frozen_school_administrator_page_block_HTML_cached",
        head("/company/1/users", host: "acme.s20.online", accept: "text/html")
    )
    cachedPageBenchmark(
        "decide_frozen_school_administrator_API_block_JSON_cached",
        head("/company/1/users", host: "acme.s20.online", accept: "application/json")
    )
}
