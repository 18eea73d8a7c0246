import Foundation

/// The header fields of a message or MIME part, unfolded, in their order.
public struct MailHeaders: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        /// The unfolded value as written (encoded words not decoded).
        public var value: String
        /// Written with white space between the name and the colon (`Subject : …`), the obsolete
        /// syntax of RFC 5322 §4.5 that a mail server's filter may not take for the field it
        /// names: read for the text, never trusted for authentication.
        public var hasSpaceBeforeColon: Bool

        public init(name: String, value: String, hasSpaceBeforeColon: Bool = false) {
            self.name = name
            self.value = value
            self.hasSpaceBeforeColon = hasSpaceBeforeColon
        }
    }

    public var fields: [Field]

    public init(fields: [Field] = []) { self.fields = fields }

    /// The first field of that name (case-insensitive), raw.
    public func first(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every field of that name, in order.
    public func all(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The first field of that name with its encoded words decoded.
    public func decoded(_ name: String) -> String? {
        first(name).map(EncodedWords.decode)
    }
}
