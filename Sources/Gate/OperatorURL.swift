/// The check of the operator's URLs (support page, logo) at profile load: an absolute `http` or
/// `https` URL with a host and nothing a page could be tricked with (no spaces, quotes, angle
/// brackets or control characters), so that no `javascript:` or `data:` link reaches the page.
enum OperatorURL {
    static func isAcceptable(_ text: String) -> Bool {
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix("@"), !host.hasPrefix(":") else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && !"\"'<>\\`".unicodeScalars.contains(scalar)
        }
    }
}
