/// What is wrong with a route pattern.
public enum RoutePatternError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAbsolute
    case emptySegment
    case anyRestNotLast
    case wildcardInsideSegment(String)
    case dotSegment
    case invalidCharacter(String)

    public var description: String {
        switch self {
        case .notAbsolute: "a pattern must start with /"
        case .emptySegment: "empty segment (// or a trailing /)"
        case .anyRestNotLast: "** may only be the last segment"
        case .wildcardInsideSegment(let segment): "* must be a whole segment, not part of '\(segment)'"
        case .dotSegment: "a pattern cannot contain . or .. segments"
        case .invalidCharacter(let segment):
            "invalid character in segment '\(segment)' (no %, ?, #, \\, spaces or controls)"
        }
    }
}
