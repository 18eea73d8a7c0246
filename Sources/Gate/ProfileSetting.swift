/// A gateway setting written in the profile file (`listen: …`, `tls_cert: [a.pem, b.pem]`), kept
/// as text: the caller that declared the key checks and converts it, and names the file and line
/// when the value is bad.
public struct ProfileSetting: Sendable, Hashable {
    /// The scalar, or each item of the list, as written.
    public var values: [String]
    /// Whether the file wrote a list (`[a, b]` or `- a`) rather than one value.
    public var isList: Bool
    /// The 1-based line of the value, for error messages.
    public var line: Int?

    public init(values: [String], isList: Bool, line: Int?) {
        self.values = values
        self.isList = isList
        self.line = line
    }
}
