/// A profile that cannot be used, with the place in the file that is wrong.
public struct RouteProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (or other source) name.
    public let source: String
    /// 1-based line in the YAML, when known.
    public let line: Int?
    public let message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    /// `profile.yaml:12: unknown action 'allow' …`, the first line an operator sees.
    public var description: String {
        if let line { return "\(self.source):\(line): \(self.message)" }
        return "\(self.source): \(self.message)"
    }
}
