/// A path pattern of the route profile: `/`-separated segments, `*` for exactly one segment, `**`
/// (last only) for any rest including none. Matching is on canonical (lower-cased) segments.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case anySegment
        case anyRest
    }

    public let segments: [Segment]
    /// The pattern as written (lower-cased).
    public let description: String

    /// Parses a pattern; the error says what is wrong with it.
    public init(_ text: String) throws(RoutePatternError) {
        guard text.hasPrefix("/") else { throw .notAbsolute }
        let lowered = text.lowercased()
        self.description = lowered
        if lowered == "/" {
            self.segments = []
            return
        }
        var parsed: [Segment] = []
        let parts = lowered.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            switch part {
            case "":
                throw .emptySegment
            case "**":
                guard index == parts.count - 1 else { throw .anyRestNotLast }
                parsed.append(.anyRest)
            case "*":
                parsed.append(.anySegment)
            default:
                if part.contains("*") { throw .wildcardInsideSegment(String(part)) }
                if part == "." || part == ".." { throw .dotSegment }
                let allowed = part.unicodeScalars.allSatisfy { scalar in
                    scalar.value > 0x20 && scalar.value != 0x7F && !"%?#\\".unicodeScalars.contains(scalar)
                }
                guard allowed else { throw .invalidCharacter(String(part)) }
                parsed.append(.literal(String(part)))
            }
        }
        self.segments = parsed
    }

    /// Whether the canonical segments match.
    /// Runs for every pattern tried on every request: a loop over indices, where a recursion over
    /// slices retained and released both arrays at each segment.
    public func matches(_ path: [String]) -> Bool {
        var index = 0
        for segment in self.segments {
            switch segment {
            case .anyRest:
                return true
            case .anySegment:
                guard index < path.count else { return false }
            case .literal(let literal):
                guard index < path.count, path[index] == literal else { return false }
            }
            index += 1
        }
        return index == path.count
    }

    /// Whether every path this pattern matches is also matched by `other` (so that `self`, placed
    /// after `other`, could never match: it is shadowed).
    public func isCovered(by other: RoutePattern) -> Bool {
        Self.covers(other.segments[...], self.segments[...])
    }

    private static func covers(_ general: ArraySlice<Segment>, _ specific: ArraySlice<Segment>) -> Bool {
        guard let head = general.first else { return specific.isEmpty }
        if head == .anyRest { return true }
        guard let other = specific.first, other != .anyRest else { return false }
        switch (head, other) {
        case (.anySegment, _):
            break
        case (.literal(let a), .literal(let b)) where a == b:
            break
        default:
            return false
        }
        return covers(general.dropFirst(), specific.dropFirst())
    }
}
