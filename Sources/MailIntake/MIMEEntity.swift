import Foundation

/// A message or one of its MIME parts: headers, the raw body and, for multipart and message/rfc822
/// parts, the parts inside.
public struct MIMEEntity: Sendable, Equatable {
    public var headers: MailHeaders
    /// The body as transmitted (before Content-Transfer-Encoding is undone).
    public var body: [UInt8]
    public var children: [MIMEEntity]

    public var contentType: ContentType { ContentType(parsing: headers.first("Content-Type")) }

    /// The body with its Content-Transfer-Encoding (quoted-printable, base64) undone.
    public var decodedBody: [UInt8] {
        switch headers.first("Content-Transfer-Encoding")?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "quoted-printable": return QuotedPrintable.decode(body)
        case "base64": return Base64Body.decode(body)
        default: return body
        }
    }

    /// The decoded body as text in its charset.
    public var text: String { CharsetDecoder.decode(decodedBody, charset: contentType.charset) }

    /// An attachment (Content-Disposition: attachment) is not read as the request.
    public var isAttachment: Bool {
        headers.first("Content-Disposition")?.trimmingCharacters(in: .whitespaces).lowercased()
            .hasPrefix("attachment") ?? false
    }
}
