import NIOCore
import NIOHTTP1

/// The small pages the gateway answers with on its own errors (400, 408, 414, 431, 502, 504 …).
public enum GatewayErrorPage {
    /// A short HTML page naming the status; the connection is closed after it.
    public static func response(_ status: HTTPResponseStatus) -> GatewayResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        let title = "\(status.code) \(status.reasonPhrase)"
        let body =
            "<!DOCTYPE html>\n<html><head><title>\(title)</title></head><body><h1>\(title)</h1>"
            + "<p>freezegate</p></body></html>\n"
        return GatewayResponse(
            status: status,
            headers: headers,
            body: ByteBuffer(string: body),
            closeConnection: true
        )
    }
}
