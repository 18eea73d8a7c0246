/// One way an upstream could understand a request target: its path segments, decoded, with
/// dot-segments handled, empty segments removed and lower-cased for matching.
public struct TargetReading: Sendable, Hashable {
    public let segments: [String]
    public let trailingSlash: Bool

    public init(segments: [String], trailingSlash: Bool) {
        self.segments = segments
        self.trailingSlash = trailingSlash && !segments.isEmpty
    }

    /// The reading as a path: segments joined by `/`, and every character that would change the
    /// path's structure if it stood literally (`%`, `/`, `?`, `#`, controls, space) escaped, so
    /// that canonicalising this path again yields the same path.
    public var path: String {
        var result = "/"
        for (position, segment) in self.segments.enumerated() {
            if position > 0 { result += "/" }
            for scalar in segment.unicodeScalars {
                switch scalar {
                case "%", "/", "?", "#", " ", "\u{7F}":
                    result += PercentDecoding.escaped(UInt8(scalar.value))
                case _ where scalar.value < 0x20:
                    result += PercentDecoding.escaped(UInt8(scalar.value))
                default:
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        if self.trailingSlash { result += "/" }
        return result
    }
}
