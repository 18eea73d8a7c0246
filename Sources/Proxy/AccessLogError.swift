/// An access log file that cannot be opened.
public struct AccessLogError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "cannot open access log '\(self.path)': \(self.reason)" }
}
