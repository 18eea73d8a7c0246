import Testing

@testable import Gateway

@Suite("process statistics from /proc")
struct ProcessStatisticsTests {
    /// A `stat` line whose command name holds spaces and parentheses, as a process may name
    /// itself; fields after it: state, ppid, …, utime=250 stime=50 (14, 15), starttime=12000
    /// (22), vsize=104857600 (23), rss=2048 pages (24).
    static let stat =
        "4242 (free gate) (x)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 5 0 12000 104857600 2048 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
    static let systemStat = "cpu  1 2 3 4\nintr 5\nctxt 6\nbtime 1700000000\nprocesses 7\n"

    @Test func fieldsAreCountedFromTheLastParenthesis() throws {
        let statistics = try #require(
            ProcessStatistics.parse(
                stat: Self.stat,
                systemStat: Self.systemStat,
                ticksPerSecond: 100,
                pageSize: 4096,
                openFileDescriptors: 12,
                maxFileDescriptors: 1024
            )
        )
        #expect(statistics.cpuSeconds == 3.0)
        #expect(statistics.startTimeSeconds == 1_700_000_120)
        #expect(statistics.virtualMemoryBytes == 104_857_600)
        #expect(statistics.residentMemoryBytes == 2048 * 4096)
        #expect(statistics.openFileDescriptors == 12)
        #expect(statistics.maxFileDescriptors == 1024)
    }

    @Test func malformedInputGivesNothing() {
        func parse(_ stat: String, _ systemStat: String = Self.systemStat, ticks: Int = 100) -> ProcessStatistics? {
            ProcessStatistics.parse(
                stat: stat,
                systemStat: systemStat,
                ticksPerSecond: ticks,
                pageSize: 4096,
                openFileDescriptors: 0,
                maxFileDescriptors: 0
            )
        }
        #expect(parse("4242 no parenthesis S 1 2 3") == nil)
        #expect(parse("4242 (short) S 1 2 3") == nil)
        #expect(parse(Self.stat, "cpu 1 2 3\n") == nil)
        #expect(parse(Self.stat, ticks: 0) == nil)
    }

    @Test func theRealProcessIsRead() throws {
        let statistics = try #require(ProcessStatisticsReader.read())
        #expect(statistics.residentMemoryBytes > 0)
        #expect(statistics.openFileDescriptors >= 3)
        #expect(statistics.maxFileDescriptors >= statistics.openFileDescriptors)
    }

    @Test func textHasHelpTypeAndPlainNumbers() {
        let text = ProcessMetricsText.render(
            ProcessStatistics(
                cpuSeconds: 12.5,
                residentMemoryBytes: 81_000_000,
                virtualMemoryBytes: 900_000_000,
                openFileDescriptors: 40,
                maxFileDescriptors: 65536,
                startTimeSeconds: 1_733_270_400.25
            )
        )
        #expect(text.contains("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"))
        #expect(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.5\n"))
        #expect(text.contains("process_resident_memory_bytes 81000000\n"))
        #expect(text.contains("process_start_time_seconds 1733270400.25\n"))
        #expect(text.contains("# TYPE process_max_fds gauge\nprocess_max_fds 65536\n"))
        #expect(ProcessMetricsText.format(0.0004) == "0")
        #expect(ProcessMetricsText.format(3.1) == "3.1")
        #expect(ProcessMetricsText.format(.nan) == "NaN")
    }
}
