/// The classes a request target can have: the canonical one, and for an ambiguous target those
/// of all its readings.
public struct TargetClassification: Sendable, Hashable {
    /// The class of the canonical reading.
    public let requestClass: RequestClass
    /// The canonical segments (for the Licensing link's branch).
    public let segments: [String]
    /// Whether the target has more than one plausible reading.
    public let isAmbiguous: Bool
    /// The classes of every reading, canonical first (only the canonical one when unambiguous).
    public let readingClasses: [RequestClass]

    public init(requestClass: RequestClass, segments: [String], isAmbiguous: Bool, readingClasses: [RequestClass]) {
        self.requestClass = requestClass
        self.segments = segments
        self.isAmbiguous = isAmbiguous
        self.readingClasses = readingClasses.isEmpty ? [requestClass] : readingClasses
    }

    /// Classifies `target` with `profile`; the readings are only computed when `withReadings`
    /// (they matter only for frozen or expired tenants).
    public static func classify(target: String, profile: RouteProfile, withReadings: Bool) -> TargetClassification {
        if target == "*" {
            return TargetClassification(requestClass: profile.unknownClass, segments: [], isAmbiguous: false, readingClasses: [])
        }
        let canonical = TargetCanonicalizer.canonicalize(target)
        let requestClass = profile.classify(canonical.segments)
        guard canonical.isAmbiguous, withReadings else {
            return TargetClassification(
                requestClass: requestClass,
                segments: canonical.segments,
                isAmbiguous: canonical.isAmbiguous,
                readingClasses: []
            )
        }
        let classes = TargetCanonicalizer.readings(of: target).map { profile.classify($0.segments) }
        return TargetClassification(requestClass: requestClass, segments: canonical.segments, isAmbiguous: true, readingClasses: classes)
    }
}
