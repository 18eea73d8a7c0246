import Foundation
import TestSupport
import Testing
import Yams

/// deploy/prometheus/alerts.yml and deploy/grafana/freezegate.json: checked and unit-tested with
/// promtool, and every metric they query exported by the real gateway.
@Suite("alerts and dashboard", .timeLimit(.minutes(5)))
struct MonitoringKitTests {
    static let alerts = DeployTool.file("deploy/prometheus/alerts.yml")
    static let alertTests = DeployTool.file("deploy/prometheus/alerts.test.yml")
    static let dashboard = DeployTool.file("deploy/grafana/freezegate.json")
    static let promtoolMissing: Comment = "promtool missing (apt-get install prometheus)"

    /// Series Prometheus itself adds to every target; not the gateway's to export.
    static let scrapeSeries: Set<String> = ["up"]

    static func alertExpressions() throws -> [String: String] {
        let text = try String(contentsOfFile: alerts, encoding: .utf8)
        let document = try Yams.load(yaml: text) as? [String: Any]
        var expressions: [String: String] = [:]
        for group in document?["groups"] as? [[String: Any]] ?? [] {
            for rule in group["rules"] as? [[String: Any]] ?? [] {
                if let name = rule["alert"] as? String, let expression = rule["expr"] as? String {
                    expressions[name] = expression
                }
            }
        }
        return expressions
    }

    /// Every `expr` and variable query of the dashboard, wherever it sits in the JSON.
    static func dashboardQueries() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dashboard))
        let root = try JSONSerialization.jsonObject(with: data)
        var queries: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, child) in object {
                    if key == "expr" || key == "definition", let text = child as? String {
                        queries.append(text)
                    } else {
                        walk(child)
                    }
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(root)
        return queries
    }

    /// A Grafana query as PromQL: `label_values(SELECTOR, LABEL)` is Grafana's own function, and
    /// its selector is the PromQL part.
    static func promQL(_ query: String) -> String {
        guard query.hasPrefix("label_values(") else { return query }
        var selector = ""
        var depth = 0
        for character in query.dropFirst("label_values(".count) {
            if depth == 0 && (character == "," || character == ")") { break }
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            selector.append(character)
        }
        return selector
    }

    @Test(.enabled(if: DeployTool.enabled(DeployTool.promtool), promtoolMissing))
    func promtoolChecksTheRules() async throws {
        let promtool = try #require(DeployTool.promtool, Self.promtoolMissing)
        let outcome = try await ChildProcess.run([promtool, "check", "rules", Self.alerts])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("SUCCESS: \(try Self.alertExpressions().count) rules found"), "\(outcome)")
    }

    /// alerts.test.yml: each alert fires on the series it is meant for, and not on the others.
    @Test(.enabled(if: DeployTool.enabled(DeployTool.promtool), promtoolMissing))
    func promtoolUnitTestsTheAlerts() async throws {
        let promtool = try #require(DeployTool.promtool, Self.promtoolMissing)
        let outcome = try await ChildProcess.run([promtool, "test", "rules", Self.alertTests])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("SUCCESS"), "\(outcome)")

        // The unit tests can fail: a rule that waits 30 minutes instead of 5 is caught.
        let folder = try TemporaryDirectory()
        let original = try String(contentsOfFile: Self.alerts, encoding: .utf8)
        let slower = original.replacingOccurrences(
            of: "freezegate_ready == 0\n        for: 5m",
            with: "freezegate_ready == 0\n        for: 30m"
        )
        #expect(slower != original)
        try slower.write(toFile: folder.path + "/alerts.yml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: Self.alertTests, toPath: folder.path + "/alerts.test.yml")
        let failing = try await ChildProcess.run([promtool, "test", "rules", folder.path + "/alerts.test.yml"])
        #expect(failing.status != 0, "\(failing)")
    }

    /// Every dashboard query is valid PromQL: promtool checks them as recording rules, with the
    /// Grafana variables replaced by what Grafana would put there.
    @Test(.enabled(if: DeployTool.enabled(DeployTool.promtool), promtoolMissing))
    func everyDashboardQueryParses() async throws {
        let promtool = try #require(DeployTool.promtool, Self.promtoolMissing)
        let queries = try Self.dashboardQueries()
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, query) in queries.enumerated() {
            let promQL = Self.promQL(query).replacingOccurrences(of: "$__rate_interval", with: "5m")
                .replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "$job", with: ".*")
            // A JSON string is a YAML double-quoted string (with slashes left unescaped).
            let quoted =
                String(
                    data: try JSONSerialization.data(withJSONObject: [promQL], options: .withoutEscapingSlashes),
                    encoding: .utf8
                ) ?? "[]"
            rules += "      - record: dashboard:query\(index)\n        expr: \(quoted.dropFirst().dropLast())\n"
        }
        let folder = try TemporaryDirectory()
        try rules.write(toFile: folder.path + "/dashboard.yml", atomically: true, encoding: .utf8)
        let outcome = try await ChildProcess.run([promtool, "check", "rules", folder.path + "/dashboard.yml"])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("SUCCESS: \(queries.count) rules found"), "\(outcome)")
    }

    /// Every metric the dashboard and the alerts query exists in the real gateway's `/metrics`.
    @Test func everyQueriedMetricIsExportedByTheGateway() async throws {
        let exported = GatewayScrape.sampleNames(try await GatewayScrape.capture().afterTraffic)
        let dashboardNames = try Self.dashboardQueries().reduce(into: Set<String>()) {
            $0.formUnion(PromQLMetricNames.extract(Self.promQL($1)))
        }
        let alertNames = try Self.alertExpressions().values.reduce(into: Set<String>()) {
            $0.formUnion(PromQLMetricNames.extract($1))
        }
        for name in dashboardNames.subtracting(Self.scrapeSeries) {
            #expect(exported.contains(name), "the dashboard queries \(name), which the gateway does not export")
        }
        for name in alertNames.subtracting(Self.scrapeSeries) {
            #expect(exported.contains(name), "an alert queries \(name), which the gateway does not export")
        }
        // What the dashboard is for: requests by class and decision, blocks, upstream errors and
        // latency, snapshot age, database, tenants by state, process resources.
        for needed in [
            "freezegate_requests_total", "freezegate_blocked_total", "freezegate_upstream_errors_total",
            "freezegate_upstream_duration_seconds_bucket", "freezegate_snapshot_age_seconds",
            "freezegate_database_connected", "freezegate_tenants", "process_cpu_seconds_total",
            "process_resident_memory_bytes", "process_open_fds",
        ] {
            #expect(dashboardNames.contains(needed), "the dashboard has no panel on \(needed)")
        }
        for needed in [
            "freezegate_ready", "freezegate_snapshot_age_seconds", "freezegate_database_connected",
            "freezegate_upstream_errors_total", "freezegate_requests_total",
            "freezegate_tls_certificate_not_after_seconds",
        ] {
            #expect(alertNames.contains(needed), "no alert on \(needed)")
        }
    }

    @Test func theDashboardIsWellFormed() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboard))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["uid"] as? String == "freezegate")
        let panels = try #require(root["panels"] as? [[String: Any]])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be unique")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            let datasource = panel["datasource"] as? [String: Any]
            #expect(datasource?["uid"] as? String == "${datasource}", "\(title): fixed data source")
            let grid = panel["gridPos"] as? [String: Int] ?? [:]
            #expect((grid["x"] ?? 99) + (grid["w"] ?? 99) <= 24, "\(title): outside the grid")
            #expect(!(panel["targets"] as? [[String: Any]] ?? []).isEmpty, "\(title): no query")
        }
    }
}
