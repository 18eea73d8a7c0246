import Foundation

/// The part of a reply the sender wrote now: quoted lines (`> …`) and everything from a reply's
/// attribution line ("On … wrote:", "… пишет:", "-----Original Message-----") on are history, whose
/// old dates must not be read as the request. Forwarded messages are not history: a forward is read.
public enum QuotedHistory {
    public static func removing(from text: String) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if isAttribution(trimmed.lowercased()) { break }
            if trimmed.hasPrefix(">") { continue }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    private static func isAttribution(_ line: String) -> Bool {
        if line.hasPrefix("-----original message-----") || line.hasPrefix("-----исходное сообщение-----") {
            return true
        }
        if line.hasSuffix("wrote:") && line.hasPrefix("on ") { return true }
        return line.hasSuffix("пишет:") || line.hasSuffix("написал:") || line.hasSuffix("написал(а):")
            || line.hasSuffix("написала:")
    }
}
