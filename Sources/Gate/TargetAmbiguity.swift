/// A feature of a request target that upstream parsers disagree about. Any of them makes the
/// target ambiguous: a frozen tenant's request with such a target is blocked or refused, never
/// forwarded, because the gate cannot know which reading the upstream will pick.
public enum TargetAmbiguity: String, Sendable, Hashable, CaseIterable, Comparable {
    case fragment
    case encodedSlash
    case encodedBackslash
    case backslash
    case parameters
    case controlCharacter
    case whitespace
    case invalidEscape
    case signedEscape
    case unicodeEscape
    case doubleEncoding
    case invalidUTF8
    case overlongUTF8
    case compatibilityForm
    /// A character that Windows' "best fit" conversion to a code page turns into `/` or `\`
    /// (`∕` U+2215, `⁄` U+2044, `¥` U+00A5, …), which NFKC leaves as it is.
    case lookalikeSeparator
    case invisibleCharacter
    case rawNonASCII
    case encodedDot
    case dotSegment
    case encodedQuery
    case trailingDotOrSpace
    case networkPath

    public static func < (lhs: TargetAmbiguity, rhs: TargetAmbiguity) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
