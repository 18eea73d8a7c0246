/// The classes a request target can have: the canonical one, and for an ambiguous target those
/// of all its readings.
public struct TargetClassification: Sendable, Hashable {
    /// The class of the canonical reading.
    public let requestClass: RequestClass
    /// The canonical segments (for the Licensing link's branch).
    public let segments: [String]
    /// Whether the target has more than one plausible reading.
    public let isAmbiguous: Bool
    /// Whether every modelled reading of an ambiguous target was classified (false when the
    /// readings stopped at a blocked one, or the target has more readings than are tried).
    public let readingsComplete: Bool
    /// The classes of every reading, canonical first (only the canonical one when unambiguous).
    public var readingClasses: [RequestClass] {
        self.otherReadingClasses.isEmpty ? [self.requestClass] : self.otherReadingClasses
    }
    /// The segments of every reading, parallel to `readingClasses`.
    public var readingSegments: [[String]] {
        self.otherReadingSegments.isEmpty ? [self.segments] : self.otherReadingSegments
    }
    /// The readings when there are more than the canonical one; empty (no allocation) for the
    /// common unambiguous target, which is classified on every request.
    private let otherReadingClasses: [RequestClass]
    private let otherReadingSegments: [[String]]

    public init(
        requestClass: RequestClass,
        segments: [String],
        isAmbiguous: Bool,
        readingClasses: [RequestClass],
        readingSegments: [[String]] = [],
        readingsComplete: Bool = true
    ) {
        self.requestClass = requestClass
        self.segments = segments
        self.isAmbiguous = isAmbiguous
        self.readingsComplete = readingsComplete
        let onlyCanonical =
            readingClasses.isEmpty || (readingClasses.count == 1 && readingClasses[0] == requestClass)
        if onlyCanonical && (readingSegments.isEmpty || readingSegments == [segments]) {
            self.otherReadingClasses = []
            self.otherReadingSegments = []
        } else if readingClasses.count != readingSegments.count {
            self.otherReadingClasses = readingClasses.isEmpty ? [requestClass] : readingClasses
            self.otherReadingSegments = Array(repeating: segments, count: self.otherReadingClasses.count)
        } else {
            self.otherReadingClasses = readingClasses
            self.otherReadingSegments = readingSegments
        }
    }

    /// Whether any reading's class is blocked while frozen.
    public var anyReadingBlocked: Bool {
        if self.otherReadingClasses.isEmpty { return self.requestClass.action == .block }
        return self.otherReadingClasses.contains { $0.action == .block }
    }

    /// The first reading whose class is blocked while frozen, with its segments.
    public var firstBlockedReading: (requestClass: RequestClass, segments: [String])? {
        if self.otherReadingClasses.isEmpty {
            return self.requestClass.action == .block ? (self.requestClass, self.segments) : nil
        }
        guard let index = self.otherReadingClasses.firstIndex(where: { $0.action == .block }) else { return nil }
        return (self.otherReadingClasses[index], self.otherReadingSegments[index])
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
        let complete = TargetCanonicalizer.forEachReading(of: target) { reading in
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
            readingSegments: segments,
            readingsComplete: complete
        )
    }
}
