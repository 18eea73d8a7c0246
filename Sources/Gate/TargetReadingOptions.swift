/// How one family of upstream parsers reads a path: each option is a behaviour some real server,
/// framework or filesystem has (Tomcat's `;` parameters, IIS's backslashes and `%u`, double
/// decoding behind two proxies, NFKC-normalising frameworks, …). The gate reads an ambiguous
/// target with every combination of the options its features trigger.
struct TargetReadingOptions: Hashable {
    enum DotHandling: Hashable, CaseIterable {
        /// Decode, then resolve `.`/`..` (RFC 3986 §6.2.2.2 then §5.2.4): the canonical reading.
        case afterDecoding
        /// Resolve the raw `.`/`..` segments, then decode (an encoded `%2e%2e` stays a name).
        case beforeDecoding
        /// Route on the path as sent, dot-segments included.
        case none
    }

    var fragmentIsPath = false
    var decodeRounds = 1
    var unicodeEscapes = false
    /// `%+X` and `%-0` decoded (``PercentDecoding/signedEscape(in:at:)``).
    var signedEscapes = false
    var encodedSlashSeparates = false
    var backslashSeparates = false
    var stripParameters = false
    var compatibilityFold = false
    /// Look-alike separators turned into `/` and `\` (``TargetCanonicalizer/bestFitSeparators``),
    /// as a server that converts the path to a Windows code page with best fit reads them.
    var bestFitSeparators = false
    var removeInvisible = false
    var lenientUTF8 = false
    var truncateAtNUL = false
    var removeControls = false
    var truncateAtDecodedQuery = false
    var trimTrailingDotsAndSpaces = false
    /// Whitespace trimmed from both ends of each segment, dots kept (`..%20` is `..`).
    var trimWhitespace = false
    var dotHandling: DotHandling = .afterDecoding
    var mergeSlashesBeforeDots = true
    var networkPath = false

    /// The canonical reading.
    static let canonical = TargetReadingOptions()
}
