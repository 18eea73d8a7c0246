import Foundation

/// A `Content-Type` value: `type/subtype; name=value; …` (RFC 2045 §5.1). Missing or malformed means
/// `text/plain; charset=us-ascii`, as RFC 2045 says.
public struct ContentType: Sendable, Equatable {
    public var type: String
    public var subtype: String
    public var parameters: [String: String]

    public var mimeType: String { "\(type)/\(subtype)" }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }

    public static let plainText = ContentType(type: "text", subtype: "plain", parameters: [:])

    public init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public init(parsing value: String?) {
        guard let value else {
            self = .plainText
            return
        }
        let pieces = HeaderParameters.split(value)
        let kind = (pieces.first ?? "").lowercased().split(separator: "/", maxSplits: 1)
        guard kind.count == 2 else {
            self = .plainText
            return
        }
        self.init(
            type: kind[0].trimmingCharacters(in: .whitespaces),
            subtype: kind[1].trimmingCharacters(in: .whitespaces),
            parameters: HeaderParameters.parameters(pieces.dropFirst())
        )
    }
}
