import NIOHTTP1

/// `Accept` and `Accept-Language` with q-values (RFC 9110 §12.5), just enough to choose between
/// JSON and HTML and between Russian and English.
enum ContentNegotiation {
    struct WeightedValue: Equatable {
        var value: String
        var quality: Double
        var position: Int
    }

    /// Comma-separated values with optional `;q=` weights; a malformed weight counts as 0 (RFC
    /// 9110 allows only 0–1 with three decimals; anything else is treated as "not acceptable").
    static func weightedValues(_ fieldValues: [String]) -> [WeightedValue] {
        var result: [WeightedValue] = []
        for element in fieldValues.joined(separator: ",").split(separator: ",") {
            let parts = element.split(separator: ";").map { $0.trimmingWhitespace() }
            guard let value = parts.first?.lowercased(), !value.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
                guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
                if let parsed = Double(pair[1]), parsed >= 0, parsed <= 1, pair[1].count <= 5 {
                    quality = parsed
                } else {
                    quality = 0
                }
            }
            result.append(WeightedValue(value: value, quality: quality, position: result.count))
        }
        return result
    }

    /// The weight of a media type: its most specific matching range's q (exact > `type/*` >
    /// `*/*`), with that range's specificity and position for tie-breaking.
    static func mediaWeight(
        _ type: String,
        in ranges: [WeightedValue]
    ) -> (quality: Double, specificity: Int, position: Int) {
        let major = type.split(separator: "/").first.map(String.init) ?? type
        var best: (quality: Double, specificity: Int, position: Int) = (0, -1, Int.max)
        for range in ranges {
            let specificity: Int
            if range.value == type {
                specificity = 2
            } else if range.value == major + "/*" {
                specificity = 1
            } else if range.value == "*/*" {
                specificity = 0
            } else {
                continue
            }
            if specificity > best.specificity {
                best = (range.quality, specificity, range.position)
            }
        }
        return best.specificity < 0 ? (0, -1, Int.max) : best
    }

    /// JSON when `Accept` ranks `application/json` above `text/html` (ties go to the more
    /// specific, then the earlier range), or the request says it comes from XMLHttpRequest.
    static func prefersJSON(_ headers: HTTPHeaders) -> Bool {
        if headers["X-Requested-With"].contains(where: {
            $0[...].trimmingWhitespace().lowercased() == "xmlhttprequest"
        }) {
            return true
        }
        let ranges = weightedValues(headers["Accept"])
        guard !ranges.isEmpty else { return false }
        let json = mediaWeight("application/json", in: ranges)
        let html = mediaWeight("text/html", in: ranges)
        guard json.quality > 0 else { return false }
        if json.quality != html.quality { return json.quality > html.quality }
        if json.specificity != html.specificity { return json.specificity > html.specificity }
        return json.position < html.position
    }

    /// English when `Accept-Language` ranks `en` above `ru` (Russian is the default). As for
    /// `Accept`, a tie goes to the more specific range (a language named beats `*`), then to the
    /// earlier one: `en, ru` is a reader who lists English first.
    static func prefersEnglish(_ headers: HTTPHeaders) -> Bool {
        let ranges = weightedValues(headers["Accept-Language"])
        let english = languageWeight("en", in: ranges)
        let russian = languageWeight("ru", in: ranges)
        guard english.quality > 0 else { return false }
        if english.quality != russian.quality { return english.quality > russian.quality }
        if english.specificity != russian.specificity { return english.specificity > russian.specificity }
        return english.position < russian.position
    }

    /// The weight of a primary language: the highest q among the ranges naming it (`en`, `en-GB`),
    /// else the q of `*`; with the specificity (1 named, 0 `*`) and position of that range.
    static func languageWeight(
        _ language: String,
        in ranges: [WeightedValue]
    ) -> (quality: Double, specificity: Int, position: Int) {
        var named: WeightedValue?
        var wildcard: WeightedValue?
        for range in ranges {
            let primary = range.value.split(separator: "-").first.map(String.init) ?? range.value
            if primary == language {
                if named == nil || range.quality > named?.quality ?? 0 { named = range }
            } else if range.value == "*" {
                wildcard = range
            }
        }
        if let named { return (named.quality, 1, named.position) }
        if let wildcard { return (wildcard.quality, 0, wildcard.position) }
        return (0, -1, Int.max)
    }
}
