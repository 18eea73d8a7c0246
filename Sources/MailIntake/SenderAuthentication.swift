/// Whether the operator's own mail server vouched for the `From` domain: an `Authentication-Results`
/// field with the configured authserv-id saying `dmarc=pass`, or `dkim=pass` for a signing domain
/// aligned with `From`. Fields with any other authserv-id are ignored: a sender can write those.
public enum SenderAuthentication {
    public static func isAuthenticated(_ headers: MailHeaders, authservID: String, from: MailAddress) -> Bool {
        let server = authservID.lowercased()
        for field in headers.all("Authentication-Results") {
            guard let parsed = AuthenticationResults(parsing: field), parsed.authservID == server else { continue }
            for result in parsed.results where result.result == "pass" {
                switch result.method {
                case "dmarc":
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
