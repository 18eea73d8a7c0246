import Foundation

/// A received message as the intake needs it: who sent it, its identity for idempotence, what it
/// asks, whether its sender's domain was authenticated, and whether it may be answered.
public struct IncomingRequest: Sendable {
    /// The Message-ID with its angle brackets, or one made from a digest of the message when missing.
    public var messageID: String
    public var from: MailAddress?
    public var subject: String
    public var references: [String]
    /// The address the request was sent to: the reply comes from it.
    public var recipient: MailAddress?
    public var reading: FreezeRequestReading
    public var isAuthenticated: Bool
    public var mayReply: Bool

    public init(raw: [UInt8], authservID: String, baseDomains: [String]) {
        let message = MessageParser.parse(raw)
        let headers = message.headers
        let from = headers.decoded("From").flatMap(MailAddress.init(parsing:))
        self.from = from
        self.subject = headers.decoded("Subject") ?? ""
        self.messageID = Self.firstMessageID(headers.first("Message-ID")) ?? Self.syntheticMessageID(raw)
        self.references = (headers.first("References") ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
            .filter(Self.isSafeMessageID)
        // The address the mail server delivered to (Postfix: Delivered-To, X-Original-To), else To.
        self.recipient =
            ["Delivered-To", "X-Original-To", "To"].lazy.compactMap { name in
                headers.decoded(name).flatMap { value in
                    value.split(separator: ",").lazy.compactMap { MailAddress(parsing: String($0)) }.first
                }
            }.first
        self.reading = FreezeRequestReader.read(
            subject: subject,
            body: MessageText.readable(message),
            baseDomains: baseDomains
        )
        if let from {
            self.isAuthenticated = SenderAuthentication.isAuthenticated(headers, authservID: authservID, from: from)
            self.mayReply = ReplyPolicy.mayReply(to: headers, from: from)
        } else {
            self.isAuthenticated = false
            self.mayReply = false
        }
    }

    private static func firstMessageID(_ value: String?) -> String? {
        guard let value, let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else {
            let bare = value?.trimmingCharacters(in: .whitespaces) ?? ""
            return bare.isEmpty || !isSafeMessageID("<\(bare)>") ? nil : "<\(bare)>"
        }
        let id = String(value[open...close])
        return isSafeMessageID(id) ? id : nil
    }

    /// `<…>` of visible ASCII: it is copied into the reply's In-Reply-To and References.
    static func isSafeMessageID(_ id: String) -> Bool {
        id.count >= 3 && id.count <= 250 && id.hasPrefix("<") && id.hasSuffix(">")
            && id.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }

    /// A message without Message-ID still gets one identity: the same bytes delivered twice are one request.
    private static func syntheticMessageID(_ raw: [UInt8]) -> String {
        // FNV-1a, 64 bits, twice with different offsets: an identity, not a security measure.
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in raw {
            first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "<no-message-id.\(String(first, radix: 16)).\(String(second, radix: 16))@freezegate.invalid>"
    }
}
