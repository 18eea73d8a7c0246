import Foundation

/// The tenant identifiers a request may name: host names (`school.s20.online`, `crm.school.ru`;
/// under a base domain also the key, `school`) and keys after a word such as "идентификатор",
/// "account" or "ID". Which of them is a tenant, the database decides; host names inside e-mail
/// addresses are not identifiers.
public enum TenantIdentifierReader {
    public static func candidates(in text: String, baseDomains: [String]) -> [String] {
        let lowered = text.lowercased()
        var found: [String] = []
        func add(_ candidate: String) {
            if !candidate.isEmpty, !found.contains(candidate) { found.append(candidate) }
        }
        for match in lowered.matches(of: hostName) {
            if match.range.lowerBound > lowered.startIndex {
                let before = lowered[lowered.index(before: match.range.lowerBound)]
                if before == "@" || before == "." || before == "-" { continue }
            }
            let host = String(match.output)
            guard let last = host.split(separator: ".").last, last.allSatisfy(\.isLetter) else { continue }
            add(host)
            for base in baseDomains where host.hasSuffix("." + base) {
                let key = host.dropLast(base.count + 1)
                if !key.contains(".") { add(String(key)) }
            }
        }
        if let labelled = try? Regex(labelledKeyPattern) {
            for match in lowered.matches(of: labelled) {
                if let key = match.output[1].substring, !labelWords.contains(String(key)) { add(String(key)) }
            }
        }
        return found
    }

    private static var hostName: Regex<Substring> {
        #/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/#
    }

    /// The words an identifier follows ("Идентификатор клиента:", "Account ID", "tenant"), as whole words.
    private static let labelledKeyPattern =
        #"\b(?:идентификатор|id|identifier|аккаунт|account|tenant|клиент|client|ключ|key)(?:\s+(?:клиента|аккаунта|id|identifier|key))?\s*(?:[:№#—–-]\s*)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?![a-z0-9@-])(?!\.[a-z0-9])"#

    /// Words of the labels themselves are never keys ("account id" is not the key "id").
    private static let labelWords: Set<String> = ["id", "identifier", "account", "tenant", "client", "key"]
}
