import Gateway

/// One line of `serve --print-config`: a setting, its effective value (secrets already masked)
/// and where it came from.
struct ConfigurationEntry: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        case string(String)
        case number(String)
        case boolean(Bool)
        case list([String])
        case none
    }

    var key: String
    var value: Value
    var source: ConfigurationSource
}
