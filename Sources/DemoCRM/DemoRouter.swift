/// Maps a request to a response: pure, so the page layout can be tested without sockets.
///
/// Paths follow AlfaCRM: `/company/{branch}/…` (admin, with `licensing`), `/teacher/{branch}/…`,
/// `/customer/{branch}/…` (client cabinet), `/v2api/…` (JSON API), `/api/{branch}/…` (inbound webhooks).
struct DemoRouter: Sendable {
    /// Custom domains of tenants (domain → tenant key), as the CRM's own settings would hold them.
    var customDomains: [String: String] = [:]

    func respond(to request: DemoRequest) -> DemoResponse {
        var request = request
        request.customDomains = self.customDomains
        let segments = request.path.split(separator: "/").map(String.init)
        let isRead = request.method == "GET" || request.method == "HEAD"
        switch segments.first {
        case nil:
            return isRead ? .html(DemoPages.login(request)) : DemoAPI.methodNotAllowed()
        case "login":
            return request.method == "POST" ? .redirect(to: "/company/1/dashboard") : .html(DemoPages.login(request))
        case "logout":
            return .redirect(to: "/login")
        case "__demo" where segments.count == 2 && segments[1] == "echo":
            return DemoEcho.respond(request)
        case "company" where segments.count >= 2:
            return company(request, branch: segments[1], rest: Array(segments.dropFirst(2)))
        case "teacher" where segments.count >= 2:
            let rest = segments.dropFirst(2).first ?? "journal"
            return rest == "journal" ? .html(DemoPages.journal(request, branch: segments[1])) : notFound(request)
        case "customer" where segments.count >= 2:
            switch segments.dropFirst(2).first ?? "schedule" {
            case "schedule": return .html(DemoPages.schedule(request, branch: segments[1]))
            case "balance": return .html(DemoPages.balance(request, branch: segments[1]))
            default: return notFound(request)
            }
        case "v2api":
            if segments.count == 3 && segments[1] == "auth" && segments[2] == "login" {
                return DemoAPI.login(request)
            }
            guard segments.count >= 3 else { return .json(#"{"error":"unknown method"}"#, status: .notFound) }
            return DemoAPI.call(request, branch: segments[1], resource: segments.dropFirst(2).joined(separator: "/"))
        case "api" where segments.count >= 2:
            return DemoAPI.webhook(request)
        case "assets":
            return segments.count == 2 && segments[1] == "app.css"
                ? .text(DemoPages.stylesheet, contentType: "text/css; charset=utf-8") : notFound(request)
        case "favicon.ico" where segments.count == 1:
            return .text(Self.favicon, contentType: "image/svg+xml")
        case "robots.txt" where segments.count == 1:
            return .text("User-agent: *\nDisallow: /\n")
        default:
            return notFound(request)
        }
    }

    private func company(_ request: DemoRequest, branch: String, rest: [String]) -> DemoResponse {
        switch rest.first ?? "dashboard" {
        case "dashboard": return .html(DemoPages.dashboard(request, branch: branch))
        case "customers": return .html(DemoPages.customers(request, branch: branch))
        case "lessons": return .html(DemoPages.lessons(request, branch: branch))
        case "licensing":
            if request.method == "POST" { return .redirect(to: "/company/\(branch)/licensing") }
            return .html(DemoPages.licensing(request, branch: branch))
        default: return notFound(request)
        }
    }

    private func notFound(_ request: DemoRequest) -> DemoResponse {
        .html(DemoPages.notFound(request), status: .notFound)
    }

    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2c3e50"/><text x="4" y="12" font-size="10" fill="#fff">A</text></svg>
        """
}
