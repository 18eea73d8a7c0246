/// An upstream server as the profile names it (`http(s)://HOST:PORT`, a weight), with its line for
/// errors; the URL is turned into an address only when the proxy starts.
public struct ProfileUpstreamServer: Sendable, Hashable {
    public var url: String
    public var weight: Int
    /// 1-based line in the profile, when it came from one.
    public var line: Int?

    public init(url: String, weight: Int = 1, line: Int? = nil) {
        self.url = url
        self.weight = weight
        self.line = line
    }
}
