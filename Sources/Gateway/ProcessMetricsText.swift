/// Renders `ProcessStatistics` as the process collector's families in the Prometheus text format,
/// with the catalog's `# HELP` lines.
///
/// These are read fresh at each scrape instead of being kept in the registry: a counter there can
/// only be incremented, while the kernel reports CPU time as a running total.
enum ProcessMetricsText {
    static func render(_ statistics: ProcessStatistics) -> String {
        let values: [String: String] = [
            "process_cpu_seconds_total": format(statistics.cpuSeconds),
            "process_resident_memory_bytes": String(statistics.residentMemoryBytes),
            "process_virtual_memory_bytes": String(statistics.virtualMemoryBytes),
            "process_open_fds": String(statistics.openFileDescriptors),
            "process_max_fds": String(statistics.maxFileDescriptors),
            "process_start_time_seconds": format(statistics.startTimeSeconds),
        ]
        var text = ""
        for definition in MetricCatalog.process {
            guard let value = values[definition.name] else { continue }
            text += "# HELP \(definition.name) \(definition.help)\n"
            text += "# TYPE \(definition.name) \(definition.kind.rawValue)\n"
            text += "\(definition.name) \(value)\n"
        }
        return text
    }

    /// Plain decimal notation with up to three decimals (no exponent, so that people reading the
    /// page see ordinary numbers; Prometheus accepts either).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "NaN" }
        guard value >= 0 else { return String(value) }
        let milli = (value * 1000).rounded()
        let whole = Int(milli / 1000)
        let fraction = Int(abs(milli.truncatingRemainder(dividingBy: 1000)))
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}
