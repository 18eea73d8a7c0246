import Foundation
import Gateway

/// How `freezegate tenant` prints: aligned tables and fields for people, JSON (sorted keys) for scripts.
enum TenantOutput {
    /// Instants are printed in UTC, ISO 8601, as the SQL model counts days in UTC.
    static func instant(_ date: Date?) -> String {
        guard let date else { return "-" }
        if date == .distantFuture { return "infinity" }
        if date == .distantPast { return "-infinity" }
        return date.formatted(style)
    }

    static func jsonInstant(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return instant(date)
    }

    static func table(header: [String], rows: [[String]], indent: String = "") -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            var text = indent + padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return ([line(header)] + rows.map(line)).joined()
    }

    static func fields(_ fields: [(String, String)]) -> String {
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 + "\n" }.joined()
    }

    static func printJSON(_ object: Any) {
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
        else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func printText(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// A progress line on stderr, only for a person watching (stderr is a terminal).
    static func progress(_ text: String) {
        guard isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    private static let style = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC") ?? .gmt)
}
