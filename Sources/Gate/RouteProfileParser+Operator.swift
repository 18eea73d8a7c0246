import Foundation
import Yams

extension RouteProfileParser {
    static let operatorKeys: Set<String> = ["name", "support_email", "support_phone", "support_url", "logo_url"]

    /// `time_zone`: an IANA zone name this machine's zone data knows, in its exact spelling.
    func parseTimeZone(_ node: Node) throws(RouteProfileError) -> TimeZone {
        let name = try self.string(node, "time_zone")
        guard !name.isEmpty, name.first?.isLetter == true, !name.contains(where: \.isWhitespace),
            let zone = TimeZone(identifier: name), zone.identifier == name
        else {
            throw self.error(node, "time_zone '\(name)' is not a known IANA time zone (e.g. Europe/Moscow, UTC)")
        }
        return zone
    }

    /// `operator`: `name`, `support_email`, `support_phone`, `support_url`, `logo_url`, each
    /// optional; the URLs must be absolute `http`/`https` ones.
    func parseOperator(_ node: Node) throws(RouteProfileError) -> OperatorBranding {
        var branding = OperatorBranding()
        for (keyNode, value) in try self.mapping(node, "operator") {
            let key = try self.string(keyNode, "an operator key")
            let text = try self.string(value, "operator \(key)").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, text.count <= 200,
                !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else {
                throw self.error(value, "operator \(key) must be a non-empty line of at most 200 characters")
            }
            switch key {
            case "name":
                branding.name = text
            case "support_email":
                let parts = text.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                    !text.contains(where: { $0.isWhitespace || "\"'<>()[]\\,;:".contains($0) })
                else {
                    throw self.error(value, "operator support_email '\(text)' is not an e-mail address")
                }
                branding.supportEmail = text
            case "support_phone":
                guard text.allSatisfy({ ($0.isASCII && $0.isNumber) || " +-().".contains($0) }),
                    text.contains(where: \.isNumber)
                else {
                    throw self.error(
                        value,
                        "operator support_phone '\(text)' may hold only digits, spaces and + - ( ) ."
                    )
                }
                branding.supportPhone = text
            case "support_url", "logo_url":
                guard OperatorURL.isAcceptable(text) else {
                    throw self.error(value, "operator \(key) '\(text)' must be an http:// or https:// URL")
                }
                if key == "support_url" { branding.supportURL = text } else { branding.logoURL = text }
            default:
                throw self.error(
                    keyNode,
                    "unknown operator key '\(key)' (expected one of \(Self.operatorKeys.sorted().joined(separator: ", ")))"
                )
            }
        }
        return branding
    }
}
