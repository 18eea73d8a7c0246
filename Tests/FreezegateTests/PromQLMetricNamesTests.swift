import Testing

/// The helper the dashboard and alert tests rely on must find names, and only names.
@Suite("metric names in PromQL")
struct PromQLMetricNamesTests {
    @Test func namesAreFoundAndEverythingElseIsLeftOut() {
        let expression = #"""
            histogram_quantile(0.95, sum by (class, le) (rate(freezegate_request_duration_seconds_bucket{instance=~"$instance",job="a{b}"}[$__rate_interval])))
              / on (instance) group_left sum without (kind) (increase(freezegate_upstream_errors_total[5m] offset 1h))
              > 0.05 and freezegate_ready == bool 1 unless up{job="freezegate"} or vector(1e-9) - time() < 14 * 86400
            """#
        #expect(
            PromQLMetricNames.extract(expression) == [
                "freezegate_request_duration_seconds_bucket", "freezegate_upstream_errors_total", "freezegate_ready",
                "up",
            ]
        )
    }

    @Test func aBareSelectorIsAName() {
        #expect(PromQLMetricNames.extract("process_open_fds") == ["process_open_fds"])
        #expect(PromQLMetricNames.extract("count by (version) (freezegate_build_info)") == ["freezegate_build_info"])
    }
}
