import Foundation

/// The address of a `From` (or `Reply-To`) field: `Name <local@domain>`, `local@domain (Name)` or a
/// bare address; encoded words and comments do not count.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var localPart: String
    /// Lower-cased: domains are case-insensitive, and are compared and aligned in this form.
    public var domain: String
    /// The domain as the sender wrote it: the address is recorded (`requested_by`, the request's
    /// sender) and answered as written.
    public var writtenDomain: String

    /// The address as written.
    public var description: String { "\(localPart)@\(writtenDomain)" }

    /// The same mailbox: the local part as written, the domain in any case.
    public static func == (lhs: MailAddress, rhs: MailAddress) -> Bool {
        lhs.localPart == rhs.localPart && lhs.domain == rhs.domain
    }

    public init?(parsing field: String) {
        var text = field
        if let open = text.lastIndex(of: "<"), let close = text[open...].firstIndex(of: ">") {
            text = String(text[text.index(after: open)..<close])
        } else {
            text = Self.removingComments(text)
        }
        let address = text.trimmingCharacters(in: .whitespaces)
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = String(address[..<at])
        let writtenDomain = String(address[address.index(after: at)...])
        let domain = writtenDomain.lowercased()
        // Printable ASCII or UTF-8 letters only: a reply header made from it can carry no line break.
        let forbiddenInLocal: Set<Character> = ["<", ">", "(", ")", ",", ";", ":", "\\", "[", "]"]
        guard !local.isEmpty, !domain.isEmpty, domain.contains("."),
            local.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
            !local.contains(where: forbiddenInLocal.contains),
            domain.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
            domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" })
        else { return nil }
        self.localPart = local
        self.domain = domain
        self.writtenDomain = writtenDomain
    }

    private static func removingComments(_ text: String) -> String {
        var depth = 0
        var output = ""
        for character in text {
            if character == "(" {
                depth += 1
            } else if character == ")" && depth > 0 {
                depth -= 1
            } else if depth == 0 {
                output.append(character)
            }
        }
        return output
    }
}
