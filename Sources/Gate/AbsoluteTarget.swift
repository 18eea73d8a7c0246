/// An absolute-form request target, `http://authority/path?query`, split for RFC 9112 §3.2.2.
struct AbsoluteTarget: Hashable {
    let authority: String
    let originForm: String

    /// `nil` unless the target is `http`/`https` absolute form with a non-empty authority.
    init?(parsing target: String) {
        guard let schemeEnd = target.range(of: "://") else { return nil }
        let scheme = target[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = target[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty else { return nil }
        let remainder = rest[authorityEnd...]
        self.authority = String(authority)
        if remainder.isEmpty {
            self.originForm = "/"
        } else if remainder.first == "\\" {
            // WHATWG parsers read `\` as `/`, RFC 3986 ones as part of the authority: refuse.
            return nil
        } else if remainder.first == "/" {
            self.originForm = String(remainder)
        } else {
            self.originForm = "/" + remainder
        }
    }
}
