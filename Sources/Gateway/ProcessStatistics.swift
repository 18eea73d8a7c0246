/// What the process collector exports, read from Linux's /proc like every Prometheus client's
/// process collector does.
struct ProcessStatistics: Sendable, Hashable {
    var cpuSeconds: Double
    var residentMemoryBytes: Int
    var virtualMemoryBytes: Int
    var openFileDescriptors: Int
    var maxFileDescriptors: Int
    var startTimeSeconds: Double

    /// Parses `/proc/self/stat` and the `btime` line of `/proc/stat`; nil when either is not in
    /// the expected shape.
    ///
    /// The second field of `stat` is the command name in parentheses, which may itself contain
    /// spaces and parentheses, so fields are counted from the last `)`. After it come field 3
    /// (state) onwards: utime (14) and stime (15) in clock ticks, starttime (22) in ticks since
    /// boot, vsize (23) in bytes, rss (24) in pages.
    static func parse(
        stat: String,
        systemStat: String,
        ticksPerSecond: Int,
        pageSize: Int,
        openFileDescriptors: Int,
        maxFileDescriptors: Int
    ) -> ProcessStatistics? {
        guard ticksPerSecond > 0, let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 of the file.
        func field(_ number: Int) -> Int? {
            let index = number - 3
            guard fields.indices.contains(index) else { return nil }
            return Int(fields[index].trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let utime = field(14), let stime = field(15), let start = field(22), let vsize = field(23),
            let rss = field(24)
        else { return nil }
        var bootTime: Int?
        for line in systemStat.split(separator: "\n") where line.hasPrefix("btime ") {
            bootTime = Int(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
        }
        guard let bootTime else { return nil }
        let ticks = Double(ticksPerSecond)
        return ProcessStatistics(
            cpuSeconds: Double(utime + stime) / ticks,
            residentMemoryBytes: rss * pageSize,
            virtualMemoryBytes: vsize,
            openFileDescriptors: openFileDescriptors,
            maxFileDescriptors: maxFileDescriptors,
            startTimeSeconds: Double(bootTime) + Double(start) / ticks
        )
    }
}
