import Foundation

/// The metric names a PromQL expression selects, found without a full parser: string literals,
/// label matchers, range selectors, `by (…)`-style label lists, Grafana variables and numbers are
/// removed first; what is left that looks like an identifier and is not a function, an
/// aggregation or a keyword is a metric name.
enum PromQLMetricNames {
    static let keywords: Set<String> = [
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "inf", "nan",
    ]

    static func extract(_ expression: String) -> Set<String> {
        var text = expression
        let removals = [
            #""(?:[^"\\]|\\.)*""#,  // string literals
            #"'(?:[^'\\]|\\.)*'"#,
            #"\{[^}]*\}"#,  // label matchers
            #"\[[^\]]*\]"#,  // range and subquery selectors
            #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#,  // label lists
            #"\$\{[^}]*\}|\$\w+"#,  // Grafana variables
            #"\b(?:\d+(?:ms|s|m|h|d|w|y))+\b"#,  // durations (offset 1h30m)
            #"\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b"#,  // numbers
        ]
        for pattern in removals {
            text = text.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression, .caseInsensitive])
        }
        var names: Set<String> = []
        let identifier = try? NSRegularExpression(pattern: #"[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?"#)
        let range = NSRange(text.startIndex..., in: text)
        for match in identifier?.matches(in: text, range: range) ?? [] {
            guard let whole = Range(match.range, in: text) else { continue }
            // Followed by "(": a function or an aggregation.
            if match.range(at: 1).location != NSNotFound { continue }
            let name = String(text[whole])
            if !keywords.contains(name.lowercased()) { names.insert(name) }
        }
        return names
    }
}
