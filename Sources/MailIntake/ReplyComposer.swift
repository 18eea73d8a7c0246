import Foundation

/// Writes the reply to a request as an RFC 5322 message: to the verified sender, from the address the
/// request was sent to, threaded (In-Reply-To, References), marked `Auto-Submitted: auto-replied`
/// (RFC 3834), text in UTF-8 and base64 so that any MTA carries it unchanged.
public struct ReplyComposer: Sendable {
    public var replyFrom: String
    /// The domain of the reply's Message-ID.
    public var messageIDDomain: String

    public init(replyFrom: String, messageIDDomain: String) {
        self.replyFrom = replyFrom
        self.messageIDDomain = messageIDDomain
    }

    public func compose(
        replyingTo request: IncomingRequest,
        to recipient: MailAddress,
        outcome: RequestOutcome,
        tenant: String?,
        date: Date,
        uniqueID: String,
        timeZone: TimeZone = .gmt
    ) -> String {
        let text = ReplyText(language: request.reading.language, timeZone: timeZone)
        let references = (request.references + [request.messageID]).suffix(20).joined(separator: " ")
        let lines = [
            "From: \(replyFrom)",
            "To: \(recipient)",
            "Subject: \(Self.encodedHeader(text.subject(replyingTo: request.subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(uniqueID)@\(messageIDDomain)>",
            "In-Reply-To: \(request.messageID)",
            "References: \(references)",
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress: All",
            "Content-Language: \(request.reading.language.rawValue)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        let body = text.body(for: outcome, tenant: tenant, period: request.reading.period)
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return lines.joined(separator: "\n") + "\n\n" + encoded + "\n"
    }

    /// A header value as an RFC 2047 encoded word when it is not plain ASCII.
    public static func encodedHeader(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return value }
        // Words of at most 45 bytes of UTF-8 (60 of base64), split between characters.
        var words: [String] = []
        var current: [UInt8] = []
        for character in value where character != "\r" && character != "\n" {
            let bytes = Array(String(character).utf8)
            if current.count + bytes.count > 45 {
                words.append(current.isEmpty ? "" : "=?UTF-8?B?\(Data(current).base64EncodedString())?=")
                current = []
            }
            current += bytes
        }
        if !current.isEmpty { words.append("=?UTF-8?B?\(Data(current).base64EncodedString())?=") }
        return words.filter { !$0.isEmpty }.joined(separator: "\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
