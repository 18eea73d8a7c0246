import Foundation
import Gate
import Proxy
import TestSupport
import Testing

@testable import Gateway

/// The real gateway's `/metrics` as a Prometheus server and a dashboard see it: every family
/// described and typed, counters present at 0 from the start, the build and process families,
/// proxy-sized buckets, accepted by `promtool check metrics`, and listed in docs/METRICS.md.
@Suite("metrics exposition of the real gateway", .timeLimit(.minutes(5)))
struct MetricsExpositionTests {
    /// `promtool check metrics` reads standard input only.
    static let checkMetrics = #""$0" check metrics < "$1""#

    @Test func everyFamilyHasHelpAndTypeAndEverySampleBelongsToOne() async throws {
        let text = try await GatewayScrape.capture().afterTraffic
        let families = GatewayScrape.families(text)
        #expect(families.count >= MetricCatalog.all.count - 1)
        for (name, type) in families {
            let help = text.split(separator: "\n").first { $0.hasPrefix("# HELP \(name) ") }
            #expect(help != nil && help.map { $0.count > "# HELP \(name) ".count } == true, "no help: \(name)")
            let definition = MetricCatalog.definition(named: name)
            #expect(definition?.kind.rawValue == type, "\(name) is exported as \(type)")
            #expect(definition.map { help?.hasSuffix($0.help) == true } == true, "\(name): help differs")
        }
        for sample in GatewayScrape.sampleNames(text) {
            let family =
                families[sample] != nil
                ? sample
                : ["_bucket", "_sum", "_count"].compactMap { suffix in
                    sample.hasSuffix(suffix) ? String(sample.dropLast(suffix.count)) : nil
                }.first { families[$0] == "histogram" }
            #expect(family != nil, "\(sample) has no # TYPE")
        }
    }

    @Test func everyCataloguedFamilyIsExported() async throws {
        let families = GatewayScrape.families(try await GatewayScrape.capture().afterTraffic)
        for definition in MetricCatalog.all {
            #expect(families[definition.name] != nil, "\(definition.name) is not exported")
        }
    }

    /// Before the first request every known label value is there, at 0.
    @Test func countersStartAtZeroForEveryKnownLabelValue() async throws {
        let initial = try await GatewayScrape.capture().initial
        let lines = Set(initial.split(separator: "\n").map(String.init))
        // Written out by hand, so that a change in the list below is a visible decision.
        for expected in [
            #"freezegate_requests_total{class="admin",decision="block",status="4xx"} 0"#,
            #"freezegate_requests_total{class="teacher",decision="forward",status="2xx"} 0"#,
            #"freezegate_requests_total{class="unknown",decision="forward",status="5xx"} 0"#,
            #"freezegate_requests_total{class="none",decision="reject",status="4xx"} 0"#,
            #"freezegate_requests_total{class="none",decision="gateway",status="5xx"} 0"#,
            #"freezegate_blocked_total{reason="tenant_frozen"} 0"#,
            #"freezegate_blocked_total{reason="license_expired"} 0"#,
            #"freezegate_blocked_total{reason="state_unknown"} 0"#,
            #"freezegate_rejected_total{reason="invalid_host"} 0"#,
            #"freezegate_rejected_total{reason="ambiguous_target"} 0"#,
            #"freezegate_upstream_errors_total{kind="unreachable"} 0"#,
            #"freezegate_upstream_errors_total{kind="timeout"} 0"#,
            #"freezegate_upstream_errors_total{kind="failed"} 0"#,
            #"freezegate_upstream_errors_total{kind="failed_mid_response"} 0"#,
            #"freezegate_upstream_errors_total{kind="timeout_mid_response"} 0"#,
            #"freezegate_profile_reloads_total{result="failed"} 0"#,
            #"freezegate_certificate_reloads_total{result="ok"} 0"#,
            #"freezegate_tls_handshake_failures_total{reason="not_tls"} 0"#,
            #"freezegate_access_log_dropped_lines_total 0"#,
            #"freezegate_snapshot_resync_corrections_total 0"#,
        ] {
            #expect(lines.contains(expected), "missing at start: \(expected)")
        }
        for series in InitialCounterSeries.all(profile: .alfaCRM, tlsFailureReasons: TLSMetrics.failureReasons) {
            let order = MetricCatalog.definition(named: series.name)?.labels ?? []
            let labels = order.compactMap { key in series.labels[key].map { "\(key)=\"\($0)\"" } }
            let line = labels.isEmpty ? series.name : "\(series.name){\(labels.joined(separator: ","))}"
            #expect(lines.contains(line + " 0"), "missing at start: \(line)")
        }
        // Every counter family of the catalog exists before the first request.
        let families = GatewayScrape.families(initial)
        for definition in MetricCatalog.all where definition.kind == .counter {
            #expect(families[definition.name] == "counter", "\(definition.name) is missing at start")
        }
    }

    @Test func buildInfoAndProcessFamiliesDescribeTheRunningProcess() async throws {
        let text = try await GatewayScrape.capture().initial
        func value(_ series: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
                Double($0.dropFirst(series.count + 1))
            }
        }
        #expect(value("freezegate_build_info{version=\"\(FreezeGateVersion.current)\"}") == 1)
        let now = Date().timeIntervalSince1970
        let started = try #require(value("process_start_time_seconds"))
        #expect(started > now - 600 && started <= now + 1, "start time \(started), now \(now)")
        #expect(try #require(value("process_cpu_seconds_total")) > 0)
        #expect(try #require(value("process_resident_memory_bytes")) > 4 * 1024 * 1024)
        #expect(try #require(value("process_virtual_memory_bytes")) > 4 * 1024 * 1024)
        let open = try #require(value("process_open_fds"))
        #expect(open >= 6, "listeners, event loop, PostgreSQL connections")
        #expect(try #require(value("process_max_fds")) > open)
    }

    @Test func latencyHistogramsUseTheProxyBuckets() async throws {
        let text = try await GatewayScrape.capture().afterTraffic
        // swift-prometheus writes whole seconds as "1.0"; PromQL reads `le` as a number either way.
        for bound in ["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.1", "1.0", "10.0", "30.0", "60.0", "+Inf"] {
            let series = "freezegate_upstream_duration_seconds_bucket{class=\"client\",le=\"\(bound)\"}"
            #expect(text.contains(series + " "), "\(series)")
        }
        let blocked =
            #"freezegate_request_duration_seconds_bucket{class="admin",decision="block",status="4xx",le="0.0005"}"#
        #expect(text.contains(blocked))
        #expect(text.contains(#"freezegate_requests_total{class="client",decision="forward",status="2xx"} 2"#))
    }

    @Test(.enabled(if: DeployTool.enabled(DeployTool.promtool), "promtool missing (apt-get install prometheus)"))
    func promtoolAcceptsTheExposition() async throws {
        let promtool = try #require(DeployTool.promtool, "promtool missing (apt-get install prometheus)")
        let scrape = try await GatewayScrape.capture()
        let folder = try TemporaryDirectory()
        for (name, text) in [("initial", scrape.initial), ("after", scrape.afterTraffic)] {
            let file = folder.path + "/\(name).prom"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            // `check metrics` reads standard input; it also lints names, units and help texts.
            let outcome = try await ChildProcess.run(["/bin/sh", "-c", Self.checkMetrics, promtool, file])
            #expect(outcome.status == 0, "\(name): \(outcome)")
            #expect(outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(name): \(outcome)")
        }
        // The check can fail: a counter without _total and without help is reported.
        let bad = folder.path + "/bad.prom"
        try "# TYPE freezegate_bad counter\nfreezegate_bad 1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let outcome = try await ChildProcess.run(["/bin/sh", "-c", Self.checkMetrics, promtool, bad])
        #expect(outcome.status != 0, "\(outcome)")
    }

    /// docs/METRICS.md lists exactly the families a real scrape shows, with their types.
    @Test func theMetricsDocumentListsExactlyTheExportedFamilies() async throws {
        let families = GatewayScrape.families(try await GatewayScrape.capture().afterTraffic)
        let document = try String(contentsOfFile: DeployTool.file("docs/METRICS.md"), encoding: .utf8)
        var documented: [String: String] = [:]
        for line in document.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, cells[0].hasPrefix("`"), cells[0].hasSuffix("`") else { continue }
            documented[String(cells[0].dropFirst().dropLast())] = cells[1]
        }
        let onlyDocumented = Set(documented.keys).subtracting(families.keys)
        let onlyExported = Set(families.keys).subtracting(documented.keys)
        #expect(
            onlyDocumented.isEmpty && onlyExported.isEmpty,
            "documented: \(onlyDocumented), exported: \(onlyExported)"
        )
        for (name, type) in families {
            #expect(documented[name] == type, "\(name): documented as \(documented[name] ?? "-"), exported as \(type)")
        }
    }
}
