import Foundation

/// The `/v2api/` JSON API (token login, then `X-ALFACRM-TOKEN` on every call) and the `/api/` webhooks.
enum DemoAPI {
    /// The token handed out by the login: stateless, so any demo instance accepts any other's tokens.
    static let tokenPrefix = "demo-token-"

    static func login(_ request: DemoRequest) -> DemoResponse {
        guard request.method == "POST" else { return methodNotAllowed() }
        let body = String(decoding: request.body, as: UTF8.self)
        guard let email = field("email", in: body), !email.isEmpty, let key = field("key", in: body), !key.isEmpty
        else {
            return .json(#"{"error":"email and key are required"}"#, status: .badRequest)
        }
        let token =
            tokenPrefix
            + String(
                email.utf8.reduce(UInt64(1_469_598_103_934_665_603)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 },
                radix: 16
            )
        return .json(DemoJSON.render(.object([("token", .string(token))])))
    }

    static func call(_ request: DemoRequest, branch: String, resource: String) -> DemoResponse {
        guard let token = request.header("X-ALFACRM-TOKEN"), token.hasPrefix(tokenPrefix) else {
            return .json(#"{"error":"invalid or missing X-ALFACRM-TOKEN"}"#, status: .unauthorized)
        }
        let items: [DemoJSON.Value]
        switch resource {
        case "customer/index":
            items = DemoData.customers.map { customer in
                .object([
                    ("id", .number(customer.id)), ("name", .string(customer.name)),
                    ("balance", .number(customer.balance)), ("branch_ids", .array([.string(branch)])),
                ])
            }
        case "lesson/index":
            items = DemoData.lessons.enumerated().map { index, lesson in
                .object([
                    ("id", .number(index + 1)), ("time_from", .string(lesson.time)),
                    ("subject", .string(lesson.subject)), ("teacher", .string(lesson.teacher)),
                ])
            }
        default:
            return .json(#"{"error":"unknown method"}"#, status: .notFound)
        }
        return .json(
            DemoJSON.render(
                .object([
                    ("total", .number(items.count)), ("count", .number(items.count)), ("page", .number(0)),
                    ("tenant", .string(request.tenant)), ("items", .array(items)),
                ])
            )
        )
    }

    static func webhook(_ request: DemoRequest) -> DemoResponse {
        guard request.method == "POST" || request.method == "PUT" else { return methodNotAllowed() }
        return .json(#"{"ok":true}"#)
    }

    static func methodNotAllowed() -> DemoResponse {
        .json(#"{"error":"method not allowed"}"#, status: .methodNotAllowed)
    }

    /// A string field of a flat JSON object (`{"email": "…", "key": "…"}`), or of a form body.
    static func field(_ name: String, in body: String) -> String? {
        if let range = body.range(of: "\"\(name)\"") {
            var rest = body[range.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<end])
        }
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == name { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }
}
