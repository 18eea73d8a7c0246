/// Renders per-loop families, read and added up, in the Prometheus text format the rest of
/// `/metrics` uses: `# HELP` and `# TYPE` once per family, series ordered by their labels, and
/// histogram bounds and sums written as swift-prometheus writes durations (`0.0005`, `1.0`), so a
/// family reads the same whichever of the two renders it.
public enum LoopMetricsText {
    public static func render(_ readings: [LoopFamilyReading]) -> String {
        var text = ""
        for reading in readings {
            let name = reading.family.name
            if !reading.family.help.isEmpty {
                text += "# HELP \(name) \(escaped(reading.family.help, quote: false))\n"
            }
            text += "# TYPE \(name) \(reading.family.kind.rawValue)\n"
            switch reading.values {
            case .counter(let series):
                for labels in series.keys.sorted() {
                    text += "\(name)\(braced(labels)) \(series[labels] ?? 0)\n"
                }
            case .histogram(let bounds, let series):
                for labels in series.keys.sorted() {
                    guard let counts = series[labels] else { continue }
                    let prefix = labels.isEmpty ? "" : labels + ","
                    for (bound, total) in zip(bounds, counts.cumulative) {
                        text += "\(name)_bucket{\(prefix)le=\"\(seconds(bound))\"} \(total)\n"
                    }
                    text += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(counts.count)\n"
                    text += "\(name)_sum\(braced(labels)) \(seconds(Int64(counts.nanoseconds)))\n"
                    text += "\(name)_count\(braced(labels)) \(counts.count)\n"
                }
            }
        }
        return text
    }

    /// `name="value",…` in the given order, values escaped as the text format requires.
    public static func labels(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\"\(escaped($0.1, quote: true))\"" }.joined(separator: ",")
    }

    /// Whole seconds, a point, then the fraction without trailing zeros (at least one digit).
    static func seconds(_ nanoseconds: Int64) -> String {
        let value = max(0, nanoseconds)
        let whole = value / 1_000_000_000
        var fraction = String(value % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    private static func braced(_ labels: String) -> String {
        labels.isEmpty ? "" : "{\(labels)}"
    }

    /// Backslash and line feed escaped, and the double quote too in a label value (not in help).
    private static func escaped(_ text: String, quote: Bool) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quote: escaped += "\\\""
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
