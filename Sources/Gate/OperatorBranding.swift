/// The operator's name, support contacts and logo shown on the built-in blocked page (profile key
/// `operator`); each is optional. URLs are checked at load to be `http`/`https` (`OperatorURL`).
public struct OperatorBranding: Sendable, Hashable {
    public var name: String?
    public var supportEmail: String?
    public var supportPhone: String?
    public var supportURL: String?
    public var logoURL: String?

    public init(
        name: String? = nil,
        supportEmail: String? = nil,
        supportPhone: String? = nil,
        supportURL: String? = nil,
        logoURL: String? = nil
    ) {
        self.name = name
        self.supportEmail = supportEmail
        self.supportPhone = supportPhone
        self.supportURL = supportURL
        self.logoURL = logoURL
    }

    /// Whether the page has any support contact to show.
    var hasSupportContact: Bool {
        self.supportEmail != nil || self.supportPhone != nil || self.supportURL != nil
    }

    /// The phone as a `tel:` URI: digits and a leading `+` only.
    var supportPhoneURI: String? {
        guard let phone = self.supportPhone else { return nil }
        var digits = ""
        for character in phone {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+", digits.isEmpty {
                digits.append(character)
            }
        }
        return digits.contains(where: \.isNumber) ? "tel:" + digits : nil
    }
}
