import NIOHTTP1

/// What the demo CRM answers: status, headers and the whole body.
struct DemoResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)]
    var body: [UInt8]

    static func html(_ text: String, status: HTTPResponseStatus = .ok) -> DemoResponse {
        DemoResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }

    static func json(_ text: String, status: HTTPResponseStatus = .ok) -> DemoResponse {
        DemoResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> DemoResponse {
        DemoResponse(status: .ok, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    static func redirect(to location: String) -> DemoResponse {
        DemoResponse(status: .found, headers: [("Location", location)], body: [])
    }
}
