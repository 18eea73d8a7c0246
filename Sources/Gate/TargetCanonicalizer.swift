import Foundation

/// Canonicalises request targets and finds every plausible reading of an ambiguous one.
///
/// The gate matches one canonical path, but an upstream (or a proxy between the gate and it) may
/// decode differently; a frozen tenant must not reach the admin UI through that difference. So
/// `canonicalize` also reports what makes a target ambiguous, and `readings` computes the paths
/// each known family of lenient parsers would see.
public enum TargetCanonicalizer {
    /// The canonical reading of `target` (origin-form: path and optional query) and its ambiguities.
    public static func canonicalize(_ target: String) -> CanonicalTarget {
        if let plain = plainCanonical(target) { return plain }
        return canonicalizeThoroughly(target)
    }

    /// `canonicalize` without the fast path (the reference the fast path is tested against).
    static func canonicalizeThoroughly(_ target: String) -> CanonicalTarget {
        let bytes = Array(target.utf8)
        let query = queryPart(of: bytes)
        let reading = read(bytes, options: .canonical)
        return CanonicalTarget(reading: reading, ambiguities: ambiguities(of: bytes), query: query)
    }

    /// The canonical reading of a target that nothing can make ambiguous, computed in one pass
    /// (most requests): a path of printable ASCII without `%`, a backslash, `;`, `#`, a leading `//`, a
    /// dot-segment or a segment ending in `.`, and a query without controls. Such a path decodes to
    /// itself, so its segments are the non-empty `/`-separated pieces, lower-cased. `nil` when the
    /// target needs the full analysis.
    static func plainCanonical(_ target: String) -> CanonicalTarget? {
        var target = target
        return target.withUTF8 { bytes -> CanonicalTarget? in
            guard let first = bytes.first, first == UInt8(ascii: "/") else { return nil }
            if bytes.count >= 2, bytes[1] == UInt8(ascii: "/") { return nil }
            var segments: [String] = []
            var segmentStart = 1
            var index = 1
            var queryStart: Int?
            func closeSegment(at end: Int) -> Bool {
                let length = end - segmentStart
                guard length > 0 else { return true }
                // "." and ".." are dot-segments; a trailing "." is read away by some servers.
                if bytes[end - 1] == UInt8(ascii: ".") { return false }
                // One allocation for a usual path, not one per doubling from one segment.
                if segments.isEmpty { segments.reserveCapacity(8) }
                segments.append(Self.loweredASCII(UnsafeBufferPointer(rebasing: bytes[segmentStart..<end])))
                return true
            }
            path: while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "/"):
                    guard closeSegment(at: index) else { return nil }
                    segmentStart = index + 1
                case UInt8(ascii: "?"):
                    queryStart = index + 1
                    break path
                case UInt8(ascii: "%"), UInt8(ascii: "\\"), UInt8(ascii: ";"), UInt8(ascii: "#"):
                    return nil
                case 0x21...0x7E:
                    break
                default:
                    return nil
                }
                index += 1
            }
            guard closeSegment(at: index) else { return nil }
            var query: String?
            if let queryStart {
                for position in queryStart..<bytes.count {
                    let byte = bytes[position]
                    if byte < 0x20 || byte == 0x7F { return nil }
                    if byte == UInt8(ascii: "#") { return nil }
                }
                query = String(decoding: UnsafeBufferPointer(rebasing: bytes[queryStart...]), as: UTF8.self)
            }
            let trailingSlash = segmentStart == index
            return CanonicalTarget(
                reading: TargetReading(segments: segments, trailingSlash: trailingSlash),
                ambiguities: [],
                query: query
            )
        }
    }

    private static func loweredASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (position, byte) in bytes.enumerated() {
                buffer[position] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return bytes.count
        }
    }

    /// Every distinct reading of `target`, the canonical one first. Bounded: the option
    /// combinations tried are capped (256, fewer for targets over 64 bytes, so the work stays
    /// linear in the target's length); the decision never depends on having tried them all, since
    /// an ambiguous target is never forwarded for a frozen tenant (a missed blocked reading means
    /// 400 instead of the blocked page).
    public static func readings(of target: String) -> [TargetReading] {
        var results: [TargetReading] = []
        self.forEachReading(of: target) { reading in
            results.append(reading)
            return true
        }
        return results
    }

    /// Calls `body` with each distinct reading, canonical first, until it returns false. Returns
    /// whether every modelled reading was produced: false when `body` stopped early or when the
    /// target has more option combinations than are tried (the bound above), so that a caller
    /// that forwards only when no reading is blocked refuses a target it could not read in full.
    @discardableResult
    public static func forEachReading(of target: String, _ body: (TargetReading) -> Bool) -> Bool {
        let bytes = Array(target.utf8)
        let found = ambiguities(of: bytes)
        var cache = SegmentCache()
        let canonical = read(bytes, options: .canonical, cache: &cache)
        guard body(canonical) else { return false }
        guard !found.isEmpty else { return true }
        var seen: Set<[String]> = [canonical.segments]
        let limit = max(8, min(256, 16384 / max(64, bytes.count)))
        let (combinations, exhaustive) = optionCombinations(for: found, bytes: bytes)
        for options in combinations.prefix(limit) {
            let reading = read(bytes, options: options, cache: &cache)
            if seen.insert(reading.segments).inserted {
                guard body(reading) else { return false }
            }
        }
        return exhaustive && combinations.count <= limit
    }

    // MARK: - Ambiguity detection

    static func ambiguities(of target: [UInt8]) -> Set<TargetAmbiguity> {
        var found: Set<TargetAmbiguity> = []
        if target.contains(UInt8(ascii: "#")) { found.insert(.fragment) }
        let path = pathPart(of: target, fragmentIsPath: true)
        for byte in path {
            switch byte {
            case UInt8(ascii: "\\"): found.insert(.backslash)
            case UInt8(ascii: ";"): found.insert(.parameters)
            case UInt8(ascii: " "): found.insert(.whitespace)
            // A tab is whitespace to a trimming parser and a control byte to one that drops them.
            case UInt8(ascii: "\t"): found.formUnion([.whitespace, .controlCharacter])
            case 0..<0x20, 0x7F: found.insert(.controlCharacter)
            case 0x80...: found.insert(.rawNonASCII)
            default: break
            }
        }
        // Controls and spaces in the query are as suspicious: a parser may end the target there.
        if target.contains(where: { $0 < 0x20 || $0 == 0x7F }) { found.insert(.controlCharacter) }
        let escapes = PercentDecoding.invalidEscapes(in: path)
        if escapes.invalid { found.insert(.invalidEscape) }
        if escapes.unicode { found.insert(.unicodeEscape) }
        if path.count >= 2, isSeparator(path[0]), isSeparator(path[1]) { found.insert(.networkPath) }

        let rawSegments = path.split(omittingEmptySubsequences: false, whereSeparator: isSeparator)
        for raw in rawSegments {
            let rawSegment = Array(raw)
            if rawSegment == [0x2E] || rawSegment == [0x2E, 0x2E] {
                found.insert(.dotSegment)
                continue
            }
            let once = PercentDecoding.decodeOnce(rawSegment)
            inspect(decoded: once, raw: rawSegment, into: &found)
            if PercentDecoding.containsValidEscape(once) {
                found.insert(.doubleEncoding)
                let twice = PercentDecoding.decodeOnce(once, unicodeEscapes: true)
                inspect(decoded: twice, raw: rawSegment, into: &found)
            }
            inspectSignedEscapes(rawSegment, into: &found)
        }
        return found
    }

    /// A decoder that takes a sign as part of an escape (`%+0` is a NUL to it) and decodes until
    /// nothing changes: what such a segment turns into, found on its own, since the strict rounds
    /// above keep every signed escape — also one that only an earlier round reveals (`%25+0`).
    private static func inspectSignedEscapes(_ rawSegment: [UInt8], into found: inout Set<TargetAmbiguity>) {
        guard rawSegment.contains(UInt8(ascii: "%")) else { return }
        var bytes = rawSegment
        var signed = false
        for round in 0..<16 {
            if !signed, PercentDecoding.containsSignedEscape(bytes) {
                signed = true
                if round > 0 { found.insert(.doubleEncoding) }
            }
            let next = PercentDecoding.decodeOnce(bytes, unicodeEscapes: round > 0, signedEscapes: true)
            if next == bytes { break }
            bytes = next
        }
        guard signed else { return }
        found.insert(.signedEscape)
        inspect(decoded: bytes, raw: rawSegment, into: &found)
    }

    private static func inspect(decoded: [UInt8], raw: [UInt8], into found: inout Set<TargetAmbiguity>) {
        if decoded == [0x2E] || decoded == [0x2E, 0x2E] {
            found.insert(.encodedDot)
            return
        }
        for byte in decoded {
            switch byte {
            case UInt8(ascii: "/"): found.insert(.encodedSlash)
            case UInt8(ascii: "\\"): found.insert(.encodedBackslash)
            case UInt8(ascii: ";"): found.insert(.parameters)
            case UInt8(ascii: "?"), UInt8(ascii: "#"): found.insert(.encodedQuery)
            case UInt8(ascii: "\t"): found.formUnion([.whitespace, .controlCharacter])
            case 0..<0x20, 0x7F: found.insert(.controlCharacter)
            default: break
            }
        }
        if let last = decoded.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") {
            found.insert(.trailingDotOrSpace)
        }
        // The same at the end of each piece a decoded `/` or `\` cuts the segment into.
        for (previous, byte) in zip(decoded, decoded.dropFirst())
        where (byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\"))
            && (previous == UInt8(ascii: ".") || previous == UInt8(ascii: " "))
        {
            found.insert(.trailingDotOrSpace)
        }
        let text = UTF8Reading.decode(decoded, lenient: true)
        // Whitespace at either end (a space, a tab, a no-break or ideographic space) is what a
        // parser that trims segments removes, leaving `..` of `..%20` or `%C2%A0..`.
        if let first = text.text.unicodeScalars.first, let last = text.text.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
                || Self.isDotSegmentWithWhitespace(text.text)
        {
            found.insert(.whitespace)
        }
        if text.invalid {
            found.insert(.invalidUTF8)
            if text.overlong { found.insert(.overlongUTF8) }
        }
        if decoded.contains(where: { $0 >= 0x80 }) {
            if text.text.unicodeScalars.contains(where: { invisibleScalars.contains($0.value) }) {
                found.insert(.invisibleCharacter)
            }
            if compatibilityFoldMayReroute(text.text) {
                found.insert(.compatibilityForm)
            }
            if text.text.unicodeScalars.contains(where: { bestFitSeparators[$0.value] != nil }) {
                found.insert(.lookalikeSeparator)
            }
        }
        if text.overlong {
            // What the overlong bytes stand for may itself be a separator, a dot or a control.
            let lenient = Array(text.text.utf8)
            if lenient == [0x2E] || lenient == [0x2E, 0x2E] { found.insert(.encodedDot) }
            if lenient.contains(UInt8(ascii: "/")) { found.insert(.encodedSlash) }
            if lenient.contains(UInt8(ascii: "\\")) { found.insert(.encodedBackslash) }
        }
    }

    /// Whether folding `segment` under NFKC (as some normalisers do) could change how it routes.
    /// Routes are matched on whole segments against ASCII patterns, so a fold matters only when
    /// it changes the path's structure (a separator, dot, escape, `;`, `?` or `#` appears or
    /// goes) or turns a piece into a different all-ASCII one that a pattern could name (full-width
    /// `ｃｏｍｐａｎｙ`, `ﬁles`). Ordinary text that folds — `счёт №1.pdf`, `™`, `½`, `²` inside
    /// a word of other letters — does neither and stays unambiguous.
    static func compatibilityFoldMayReroute(_ segment: String) -> Bool {
        let folded = segment.precomposedStringWithCompatibilityMapping
        guard folded != segment else { return false }
        let structural: Set<Unicode.Scalar> = ["/", "\\", ".", "%", ";", "?", "#"]
        func structure(_ text: String) -> [Unicode.Scalar] { text.unicodeScalars.filter { structural.contains($0) } }
        guard structure(folded) == structure(segment) else { return true }
        let separators: Set<Unicode.Scalar> = ["/", "\\", ";"]
        func pieces(_ text: String) -> [Substring] {
            text.split(omittingEmptySubsequences: false) { $0.unicodeScalars.contains { separators.contains($0) } }
        }
        let before = pieces(segment)
        let after = pieces(folded)
        guard before.count == after.count else { return true }
        for (original, piece) in zip(before, after) where piece != original {
            if piece.utf8.allSatisfy({ $0 < 0x80 }) { return true }
        }
        return false
    }

    /// Zero-width and other default-ignorable characters that some normalisers delete.
    /// Characters that Windows' best-fit mapping to a code page (`WideCharToMultiByte` without
    /// `WC_NO_BEST_FIT_CHARS`) turns into a slash or a backslash, and NFKC does not: the division
    /// and fraction slashes, and the yen and won signs of the Japanese and Korean code pages
    /// (whose `\` byte they share).
    static let bestFitSeparators: [UInt32: Unicode.Scalar] = [
        0x2215: "/", 0x2044: "/", 0x2216: "\\", 0x00A5: "\\", 0x20A9: "\\",
    ]

    static let invisibleScalars: Set<UInt32> = [
        0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E,
        0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0,
    ]

    // MARK: - Option combinations

    /// The option combinations to read the target with, and whether they are all combinations of
    /// the dimensions its ambiguities open (false when some dimensions were only tried all-off and
    /// all-on).
    private static func optionCombinations(
        for found: Set<TargetAmbiguity>,
        bytes: [UInt8]
    ) -> (combinations: [TargetReadingOptions], exhaustive: Bool) {
        typealias Mutation = (inout TargetReadingOptions) -> Void
        var dimensions: [[Mutation]] = []
        func toggle(_ keyPath: WritableKeyPath<TargetReadingOptions, Bool>) {
            dimensions.append([{ _ in }, { $0[keyPath: keyPath] = true }])
        }
        if found.contains(.fragment) { toggle(\.fragmentIsPath) }
        if found.contains(.doubleEncoding) || found.contains(.unicodeEscape) {
            // Two proxies decoding once each, or a decoder that loops until nothing changes.
            dimensions.append([{ _ in }, { $0.decodeRounds = 2 }, { $0.decodeRounds = 16 }])
        }
        if found.contains(.unicodeEscape) { toggle(\.unicodeEscapes) }
        if found.contains(.signedEscape) { toggle(\.signedEscapes) }
        if found.contains(.encodedSlash) { toggle(\.encodedSlashSeparates) }
        if found.contains(.backslash) || found.contains(.encodedBackslash) { toggle(\.backslashSeparates) }
        if found.contains(.parameters) { toggle(\.stripParameters) }
        if found.contains(.compatibilityForm) { toggle(\.compatibilityFold) }
        if found.contains(.lookalikeSeparator) { toggle(\.bestFitSeparators) }
        if found.contains(.invisibleCharacter) { toggle(\.removeInvisible) }
        if found.contains(.invalidUTF8) || found.contains(.overlongUTF8) { toggle(\.lenientUTF8) }
        if found.contains(.controlCharacter) {
            dimensions.append([{ _ in }, { $0.truncateAtNUL = true }, { $0.removeControls = true }])
        }
        if found.contains(.encodedQuery) { toggle(\.truncateAtDecodedQuery) }
        if found.contains(.trailingDotOrSpace) { toggle(\.trimTrailingDotsAndSpaces) }
        if found.contains(.whitespace) { toggle(\.trimWhitespace) }
        if found.contains(.networkPath) { toggle(\.networkPath) }
        let dotsMayDiffer =
            found.contains(.dotSegment) || found.contains(.encodedDot) || found.contains(.overlongUTF8)
            || found.contains(.doubleEncoding) || found.contains(.compatibilityForm)
        if dotsMayDiffer {
            dimensions.append([{ _ in }, { $0.dotHandling = .beforeDecoding }, { $0.dotHandling = .none }])
        }
        // An empty segment before a `..` is popped by it when slashes are merged after the dots are
        // resolved, and skipped (the `..` pops the segment before) when merged first, as nginx
        // does. Empty segments come from `//`, and also from a segment that trimming its dots or
        // spaces, or stripping its `;` parameters, leaves empty, or from decoded separators.
        let hasEmptySegment =
            zip(bytes, bytes.dropFirst()).contains { isSeparator($0) && isSeparator($1) }
            || found.contains(.trailingDotOrSpace) || found.contains(.whitespace) || found.contains(.parameters)
            || found.contains(.encodedSlash) || found.contains(.encodedBackslash) || found.contains(.lookalikeSeparator)
        func dotDotOnceDecoded() -> Bool {
            let decoded = PercentDecoding.decodeOnce(bytes)
            return zip(decoded, decoded.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
        }
        // Decoded only when an empty segment makes the answer matter.
        if hasEmptySegment && (dotsMayDiffer || dotDotOnceDecoded()) {
            // Merging first is the default reading (nginx's); the other order is the variant.
            dimensions.append([{ _ in }, { $0.mergeSlashesBeforeDots = false }])
        }

        // Full product over the first dimensions (at most 256 combinations); the remaining ones
        // are tried all-off and all-on.
        var full: [[Mutation]] = []
        var rest: [[Mutation]] = []
        var product = 1
        for dimension in dimensions {
            if product * dimension.count <= 256 {
                full.append(dimension)
                product *= dimension.count
            } else {
                rest.append(dimension)
            }
        }
        var combinations: [TargetReadingOptions] = []
        let restVariants: [[Mutation]] = rest.isEmpty ? [[]] : [rest.map { $0[0] }, rest.map { $0[$0.count - 1] }]
        for restVariant in restVariants {
            for index in 0..<product {
                var options = TargetReadingOptions()
                var remainder = index
                for dimension in full {
                    dimension[remainder % dimension.count](&options)
                    remainder /= dimension.count
                }
                for mutation in restVariant { mutation(&options) }
                combinations.append(options)
            }
        }
        // All-off and all-on cover a single two-valued leftover dimension, and nothing more.
        return (combinations, rest.isEmpty || (rest.count == 1 && rest[0].count == 2))
    }

    // MARK: - Reading

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
    }

    private static func queryPart(of target: [UInt8]) -> String? {
        guard let mark = target.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        var end = target.endIndex
        if let hash = target.firstIndex(of: UInt8(ascii: "#")), hash > mark { end = hash }
        return String(decoding: target[(mark + 1)..<end], as: UTF8.self)
    }

    private static func pathPart(of target: [UInt8], fragmentIsPath: Bool) -> [UInt8] {
        let end = target.firstIndex { $0 == UInt8(ascii: "?") || (!fragmentIsPath && $0 == UInt8(ascii: "#")) }
        return Array(target[..<(end ?? target.endIndex)])
    }

    /// Decoded segments by raw segment and the options that affect segment decoding: option
    /// combinations that differ only in path-level behaviour (dots, merging, fragment, authority)
    /// share the work.
    struct SegmentCache {
        struct Key: Hashable {
            var raw: [UInt8]
            var options: TargetReadingOptions
        }
        /// A single reading (the canonical one on every request) gains nothing from caching.
        var enabled = true
        var entries: [Key: (segments: [String], truncated: Bool)] = [:]
    }

    static func read(_ target: [UInt8], options: TargetReadingOptions) -> TargetReading {
        var cache = SegmentCache(enabled: false)
        return read(target, options: options, cache: &cache)
    }

    static func read(_ target: [UInt8], options: TargetReadingOptions, cache: inout SegmentCache) -> TargetReading {
        let path = pathPart(of: target, fragmentIsPath: options.fragmentIsPath)
        let splitsOnBackslash = options.backslashSeparates
        let rawSeparator: (UInt8) -> Bool = { byte in
            byte == UInt8(ascii: "/") || (splitsOnBackslash && byte == UInt8(ascii: "\\"))
        }
        var rawSegments = path.split(omittingEmptySubsequences: false, whereSeparator: rawSeparator).map { Array($0) }
        // The path starts with a separator; the first (empty) segment is the root.
        if !rawSegments.isEmpty, rawSegments[0].isEmpty { rawSegments.removeFirst() }
        if options.networkPath, path.count >= 2, rawSeparator(path[0]), rawSeparator(path[1]) {
            // `//authority/path`: a URL parser takes the first segment as a host.
            if let authority = rawSegments.firstIndex(where: { !$0.isEmpty }) {
                rawSegments.removeSubrange(...authority)
            } else {
                rawSegments.removeAll()
            }
        }
        let rawTrailing = rawSegments.last.map { $0.isEmpty || $0 == [0x2E] || $0 == [0x2E, 0x2E] } ?? false

        var segments: [String] = []
        if options.dotHandling == .beforeDecoding {
            let rawText = rawSegments.map { String(decoding: $0, as: UTF8.self) }
            let resolved = resolveDots(rawText, mergeFirst: options.mergeSlashesBeforeDots)
            let kept = rawSegments.filter { !$0.isEmpty }
            // Map resolved raw texts back to their bytes (raw text from bytes may be lossy).
            var bytesByText: [String: [UInt8]] = [:]
            for segment in kept { bytesByText[String(decoding: segment, as: UTF8.self)] = segment }
            var truncated = false
            for text in resolved where !truncated {
                let bytes = bytesByText[text] ?? Array(text.utf8)
                truncated = decodeSegment(bytes, options: options, cache: &cache, into: &segments)
            }
            return TargetReading(segments: segments.filter { !$0.isEmpty }, trailingSlash: rawTrailing)
        }
        var truncated = false
        for raw in rawSegments where !truncated {
            truncated = decodeSegment(raw, options: options, cache: &cache, into: &segments)
        }
        switch options.dotHandling {
        case .afterDecoding:
            segments = resolveDots(segments, mergeFirst: options.mergeSlashesBeforeDots)
        case .none, .beforeDecoding:
            segments = segments.filter { !$0.isEmpty }
        }
        return TargetReading(segments: segments, trailingSlash: rawTrailing)
    }

    /// Decodes one raw segment into one or more segments (a decoded separator may split it).
    /// Returns true when the path ends inside this segment (a truncating NUL or decoded `?`).
    private static func decodeSegment(
        _ raw: [UInt8],
        options: TargetReadingOptions,
        cache: inout SegmentCache,
        into output: inout [String]
    ) -> Bool {
        guard cache.enabled else { return decodeSegment(raw, options: options, into: &output) }
        var segmentOptions = options
        segmentOptions.fragmentIsPath = false
        segmentOptions.dotHandling = .afterDecoding
        segmentOptions.mergeSlashesBeforeDots = true
        segmentOptions.networkPath = false
        let key = SegmentCache.Key(raw: raw, options: segmentOptions)
        if let cached = cache.entries[key] {
            output.append(contentsOf: cached.segments)
            return cached.truncated
        }
        var decoded: [String] = []
        let truncated = decodeSegment(raw, options: segmentOptions, into: &decoded)
        cache.entries[key] = (decoded, truncated)
        output.append(contentsOf: decoded)
        return truncated
    }

    private static func decodeSegment(
        _ raw: [UInt8],
        options: TargetReadingOptions,
        into output: inout [String]
    ) -> Bool {
        var bytes = raw
        for round in 0..<options.decodeRounds {
            let next = PercentDecoding.decodeOnce(
                bytes,
                unicodeEscapes: options.unicodeEscapes || round > 0,
                signedEscapes: options.signedEscapes
            )
            if next == bytes { break }
            bytes = next
        }
        var truncated = false
        if options.removeControls {
            bytes.removeAll { $0 < 0x20 || $0 == 0x7F }
        }
        if options.truncateAtNUL, let nul = bytes.firstIndex(of: 0) {
            bytes = Array(bytes[..<nul])
            truncated = true
        }
        if options.truncateAtDecodedQuery,
            let mark = bytes.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
        {
            bytes = Array(bytes[..<mark])
            truncated = true
        }
        var text = UTF8Reading.decode(bytes, lenient: options.lenientUTF8).text
        var pieces: [String]
        if options.bestFitSeparators, text.unicodeScalars.contains(where: { bestFitSeparators[$0.value] != nil }) {
            // The conversion happens before the server splits the path: what it makes separates.
            text = String(
                String.UnicodeScalarView(text.unicodeScalars.map { bestFitSeparators[$0.value] ?? $0 })
            )
            pieces = Self.split(text, at: "/").flatMap { Self.split($0, at: "\\") }
        } else {
            pieces = [text]
            if options.encodedSlashSeparates {
                pieces = pieces.flatMap { Self.split($0, at: "/") }
            }
            if options.backslashSeparates {
                pieces = pieces.flatMap { Self.split($0, at: "\\") }
            }
        }
        for piece in pieces {
            var text = piece
            if options.removeInvisible {
                text = String(
                    String.UnicodeScalarView(text.unicodeScalars.filter { !invisibleScalars.contains($0.value) })
                )
            }
            var produced = [text]
            if options.compatibilityFold, text.utf8.contains(where: { $0 >= 0x80 }) {
                var folded = text.precomposedStringWithCompatibilityMapping
                if folded != text, PercentDecoding.containsValidEscape(Array(folded.utf8)),
                    !PercentDecoding.containsValidEscape(Array(text.utf8))
                {
                    // A full-width `％２ｅ` folds to an escape that a later decoder decodes.
                    folded = UTF8Reading.decode(PercentDecoding.decodeOnce(Array(folded.utf8)), lenient: true).text
                }
                produced = [folded]
                if !text.unicodeScalars.contains("/") {
                    produced = produced.flatMap { Self.split($0, at: "/") }
                }
                if !text.unicodeScalars.contains("\\") {
                    produced = produced.flatMap { Self.split($0, at: "\\") }
                }
            }
            for var segment in produced {
                if options.stripParameters, let semicolon = segment.unicodeScalars.firstIndex(of: ";") {
                    segment = String(segment.unicodeScalars[..<semicolon])
                }
                if options.trimWhitespace {
                    segment = Self.trimmingWhitespace(segment)
                }
                if options.trimTrailingDotsAndSpaces, segment != ".", segment != ".." {
                    while let last = segment.unicodeScalars.last, last == "." || last == " " {
                        segment.unicodeScalars.removeLast()
                    }
                }
                output.append(segment.lowercased())
            }
        }
        return truncated
    }

    /// `segment` without the whitespace at its ends (Unicode's, as a parser that trims path
    /// segments with its language's `trim` does), and a dot-segment with whitespace inside it
    /// (`. .`) as the dots alone, as a parser that drops whitespace reads it.
    static func trimmingWhitespace(_ segment: String) -> String {
        if Self.isDotSegmentWithWhitespace(segment) {
            return String(String.UnicodeScalarView(segment.unicodeScalars.filter { !$0.properties.isWhitespace }))
        }
        let scalars = segment.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...last])
    }

    /// `. .`, `.\t.`, ` . ` …: one or two dots once the whitespace among them is dropped.
    static func isDotSegmentWithWhitespace(_ segment: String) -> Bool {
        var dots = 0
        var spaces = 0
        for scalar in segment.unicodeScalars {
            if scalar == "." {
                dots += 1
            } else if scalar.properties.isWhitespace {
                spaces += 1
            } else {
                return false
            }
        }
        return spaces > 0 && (dots == 1 || dots == 2)
    }

    /// `text` cut at every `separator`, scalar by scalar. Not `String.split`, which compares
    /// characters: a separator followed by a combining mark is one character in Swift, and would
    /// not separate, while every server that reads the path's bytes sees the separator
    /// (`/customer/..;\u{31C}x/company` is `/company` to one that cuts `;` parameters).
    static func split(_ text: String, at separator: Unicode.Scalar) -> [String] {
        text.unicodeScalars.split(separator: separator, omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0))
        }
    }

    /// RFC 3986 §5.2.4 on a list of segments; empty segments are merged (before the dots are
    /// resolved when `mergeFirst`, as nginx does, or after, as a strict RFC resolver does).
    static func resolveDots(_ segments: [String], mergeFirst: Bool) -> [String] {
        var stack: [String] = []
        for segment in segments {
            if mergeFirst && segment.isEmpty { continue }
            switch segment {
            case ".": continue
            case "..": if !stack.isEmpty { stack.removeLast() }
            default: stack.append(segment)
            }
        }
        return stack.filter { !$0.isEmpty }
    }
}
