/// The gate's understanding of a request target: the canonical reading used for matching, and
/// what (if anything) makes the target ambiguous.
public struct CanonicalTarget: Sendable, Hashable {
    /// The canonical reading: decoded once, dot-segments resolved, slashes merged, lower-cased.
    public let reading: TargetReading
    /// Features that upstream parsers could read differently; empty for an unambiguous target.
    public let ambiguities: Set<TargetAmbiguity>
    /// The raw query (without `?`), dropped for matching but kept for display.
    public let query: String?

    /// The canonical path (see `TargetReading.path`).
    public var path: String { self.reading.path }
    public var segments: [String] { self.reading.segments }
    public var isAmbiguous: Bool { !self.ambiguities.isEmpty }
}
