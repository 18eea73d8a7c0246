import Foundation
import NIOHTTP1

/// The gateway's own answer to a blocked request (docs/PROFILE.md, "The blocked response") or a refused one (400).
public struct BlockedResponse: Sendable {
    public let status: HTTPResponseStatus
    public let headers: HTTPHeaders
    public let body: [UInt8]

    /// The licence-expired / account-frozen response: JSON for clients that ask for it, otherwise
    /// the HTML page in Russian or English; `HEAD` gets the same status and headers, no body.
    static func blocked(
        request: HTTPRequestHead,
        status: Int,
        facts: BlockedPageFacts,
        renderer: BlockedPageRenderer,
        pageCache: BlockedPageCache? = nil
    ) -> BlockedResponse {
        let contentType: String
        let body: [UInt8]
        if ContentNegotiation.prefersJSON(request.headers) {
            contentType = "application/json; charset=utf-8"
            body = jsonBody(facts, cache: pageCache)
        } else {
            contentType = "text/html; charset=utf-8"
            body = renderer.page(
                facts,
                english: ContentNegotiation.prefersEnglish(request.headers),
                cache: pageCache
            )
        }
        let headers = HTTPHeaders([
            ("Content-Type", contentType),
            ("Content-Length", String(body.count)),
            ("Cache-Control", "no-store"),
            ("Vary", "Accept, Accept-Language, X-Requested-With"),
        ])
        return BlockedResponse(
            status: HTTPResponseStatus(statusCode: status),
            headers: headers,
            body: request.method == .HEAD ? [] : body
        )
    }

    /// `400 Bad Request` for a request that is refused, not forwarded; the connection is closed.
    static func badRequest(request: HTTPRequestHead?, detail: String) -> BlockedResponse {
        let body = Array("Bad Request: \(detail)\n".utf8)
        let headers = HTTPHeaders([
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", String(body.count)),
            ("Cache-Control", "no-store"),
            ("Connection", "close"),
        ])
        return BlockedResponse(status: .badRequest, headers: headers, body: request?.method == .HEAD ? [] : body)
    }

    /// The JSON answer's bytes, from `cache` when it holds them (it says only the reason, the
    /// tenant, the freeze's end and the Licensing link: no request ID, nothing per request).
    static func jsonBody(_ facts: BlockedPageFacts, cache: BlockedPageCache?) -> [UInt8] {
        let key = BlockedJSONKey(
            reason: facts.reason,
            tenant: facts.tenant,
            until: facts.until,
            licensingURL: facts.licensingURL
        )
        if let body = cache?.jsonBody(key) { return body }
        let body = Array(
            json(reason: key.reason, tenant: key.tenant, until: key.until, licensingURL: key.licensingURL).utf8
        )
        cache?.storeJSONBody(body, for: key)
        return body
    }

    /// `{"error": …, "tenant": …, "until": …, "licensing_url": …}` with exactly these keys.
    static func json(reason: BlockReason, tenant: String?, until: Date?, licensingURL: String?) -> String {
        let untilText = until.map { jsonString(BlockedPageRenderer.iso8601($0)) } ?? "null"
        let tenantText = tenant.map(jsonString) ?? "null"
        let linkText = licensingURL.map(jsonString) ?? "null"
        return
            "{\"error\": \(jsonString(reason.rawValue)), \"tenant\": \(tenantText), \"until\": \(untilText), \"licensing_url\": \(linkText)}"
    }

    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
