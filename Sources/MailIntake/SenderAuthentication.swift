/// Whether the operator's own mail server vouched for the `From` domain: an `Authentication-Results`
/// field with the configured authserv-id saying `dmarc=pass`, or `dkim=pass` for a signing domain
/// aligned with `From`. Fields with any other authserv-id are ignored: a sender can write those.
///
/// The server strips fields with its authserv-id that arrive from outside (RFC 8601 §5), so the
/// ones left are its own — unless a forged one slipped past its filter. Two rules keep such a
/// field from vouching: a field written in the obsolete form with white space before its colon
/// (which a filter may not take for `Authentication-Results`) is not read; and the server's
/// `dmarc=fail` makes the message unverified whatever else is claimed, while a `dmarc=pass` beside
/// another DMARC verdict of the same server (its own `none` beside a forged `pass`) does not count
/// (an aligned `dkim=pass` still does).
public enum SenderAuthentication {
    public static func isAuthenticated(_ headers: MailHeaders, authservID: String, from: MailAddress) -> Bool {
        let server = authservID.lowercased()
        let results = headers.fields.lazy
            .filter { $0.name.caseInsensitiveCompare("Authentication-Results") == .orderedSame }
            .filter { !$0.hasSpaceBeforeColon }
            .compactMap { AuthenticationResults(parsing: $0.value) }
            .filter { $0.authservID == server }
            .flatMap(\.results)
        let dmarcResults = results.filter { $0.method == "dmarc" }.map(\.result)
        if dmarcResults.contains("fail") { return false }
        // A `pass` beside another verdict of the same server (`none`, `temperror`) is not its own.
        let dmarcAgrees = dmarcResults.allSatisfy { $0 == "pass" }
        for result in results where result.result == "pass" {
            switch result.method {
            case "dmarc":
                guard dmarcAgrees else { continue }
                // header.from, when given, must be the From domain the message shows.
                if let headerFrom = result.properties["header.from"], headerFrom.lowercased() != from.domain {
                    continue
                }
                return true
            case "dkim":
                let signer = result.properties["header.d"] ?? result.properties["header.i"].map(domainOfIdentity)
                if let signer, isAligned(signer.lowercased(), with: from.domain) { return true }
            default:
                continue
            }
        }
        return false
    }

    /// Relaxed alignment kept simple: the same domain, or one a subdomain of the other.
    public static func isAligned(_ signer: String, with fromDomain: String) -> Bool {
        let signer = signer.hasSuffix(".") ? String(signer.dropLast()) : signer
        guard signer.contains(".") else { return false }
        return signer == fromDomain || fromDomain.hasSuffix("." + signer) || signer.hasSuffix("." + fromDomain)
    }

    private static func domainOfIdentity(_ identity: String) -> String {
        identity.split(separator: "@").last.map(String.init) ?? identity
    }
}
