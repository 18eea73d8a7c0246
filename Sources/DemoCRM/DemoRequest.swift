import NIOHTTP1

/// One request as the router sees it: pure values, no channel.
struct DemoRequest: Sendable {
    /// How much of a body is kept (the rest is counted and dropped).
    static let bodyLimit = 1 << 20

    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var bodyLength: Int
    /// The custom domains the CRM knows (domain → tenant key), set by the router.
    var customDomains: [String: String] = [:]

    init(
        method: String,
        target: String,
        version: String = "HTTP/1.1",
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        bodyLength: Int? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.bodyLength = bodyLength ?? body.count
    }

    init(head: HTTPRequestHead, body: [UInt8], bodyLength: Int) {
        self.init(
            method: head.method.rawValue,
            target: head.uri,
            version: "HTTP/\(head.version.major).\(head.version.minor)",
            headers: head.headers.map { (name: $0.name, value: $0.value) },
            body: body,
            bodyLength: bodyLength
        )
    }

    /// The path without the query, as sent.
    var path: String {
        String(self.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The first value of a header (case-insensitive name).
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The tenant the request was sent for: the owner of a custom domain, else the first label of
    /// the Host (`acme.s20.online` → `acme`).
    var tenant: String {
        DemoTenant.key(fromHost: self.header("Host"), customDomains: self.customDomains)
    }

    /// The custom domain the request came by, when the Host is one.
    var customDomain: String? {
        DemoTenant.hostName(self.header("Host")).flatMap { self.customDomains[$0] == nil ? nil : $0 }
    }
}
