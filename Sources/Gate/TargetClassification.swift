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
    /// The segments of every reading, parallel to `readingClasses`.
    public let readingSegments: [[String]]

    public init(
        requestClass: RequestClass,
        segments: [String],
        isAmbiguous: Bool,
        readingClasses: [RequestClass],
        readingSegments: [[String]] = []
    ) {
        self.requestClass = requestClass
        self.segments = segments
        self.isAmbiguous = isAmbiguous
        if readingClasses.isEmpty || readingClasses.count != readingSegments.count {
            self.readingClasses = readingClasses.isEmpty ? [requestClass] : readingClasses
            self.readingSegments = Array(repeating: segments, count: self.readingClasses.count)
        } else {
            self.readingClasses = readingClasses
            self.readingSegments = readingSegments
        }
    }

    /// The first reading whose class is blocked while frozen, with its segments.
    public var firstBlockedReading: (requestClass: RequestClass, segments: [String])? {
        guard let index = self.readingClasses.firstIndex(where: { $0.action == .block }) else { return nil }
        return (self.readingClasses[index], self.readingSegments[index])
    }

    /// Classifies `target` with `profile`. The readings are only computed when `withReadings`
    /// (they matter only for frozen or expired tenants), and only until the first reading of a
    /// blocked class (`allReadings` continues to the end, for `freezegate classify`).
    public static func classify(
        target: String,
        profile: RouteProfile,
        withReadings: Bool,
        allReadings: Bool = false
    ) -> TargetClassification {
        if target == "*" {
            return TargetClassification(
                requestClass: profile.unknownClass,
                segments: [],
                isAmbiguous: false,
                readingClasses: []
            )
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
        var classes: [RequestClass] = []
        var segments: [[String]] = []
        TargetCanonicalizer.forEachReading(of: target) { reading in
            let readingClass = profile.classify(reading.segments)
            classes.append(readingClass)
            segments.append(reading.segments)
            return allReadings || readingClass.action != .block
        }
        return TargetClassification(
            requestClass: requestClass,
            segments: canonical.segments,
            isAmbiguous: true,
            readingClasses: classes,
            readingSegments: segments
        )
    }
}
