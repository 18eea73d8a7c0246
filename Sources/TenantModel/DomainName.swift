import Foundation

/// The one normalisation of host names used on both sides of a lookup (the request's host and the
/// domains registered in SQL), so that case, a trailing dot, compatibility forms and IDN spelling
/// never decide whether a request belongs to a tenant.
public enum DomainName {
    /// Lower-cased, without one trailing dot, compatibility-folded (NFKC, as UTS #46 maps: a
    /// full-width `ａｃｍｅ` is `acme`), invisible characters removed, and every non-ASCII label in
    /// its `xn--` Punycode form. A label Punycode cannot encode is kept as it is.
    public static func normalized(_ name: String) -> String {
        // Every request's host is looked up already normalised (lower-case ASCII, no trailing
        // dot): returned as it is, without a lower-cased copy.
        if name.utf8.last != UInt8(ascii: "."),
            name.utf8.allSatisfy({ $0 < 0x80 && !($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) })
        {
            return name
        }
        var text = name
        if text.utf8.contains(where: { $0 >= 0x80 }) {
            text = folded(text)
        } else {
            text = text.lowercased()
        }
        if text.hasSuffix(".") {
            text.removeLast()
        }
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false).map { label -> String in
            guard label.utf8.contains(where: { $0 >= 0x80 }) else { return String(label) }
            guard let encoded = Punycode.encode(String(label)) else { return String(label) }
            return "xn--" + encoded
        }
        return labels.joined(separator: ".")
    }

    /// Characters that UTS #46 maps to nothing; they must not make two spellings of a host differ.
    static let ignoredScalars: Set<UInt32> = [
        0x00AD, 0x034F, 0x180B, 0x180C, 0x180D, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0xFE00, 0xFE0F, 0xFEFF,
    ]

    private static func folded(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars where !ignoredScalars.contains(scalar.value) {
            switch scalar.value {
            case 0x3002, 0xFF61:  // ideographic and half-width ideographic full stops separate labels
                scalars.append(".")
            default:
                scalars.append(scalar)
            }
        }
        let lowered = String(scalars).precomposedStringWithCompatibilityMapping.lowercased()
        return lowered.precomposedStringWithCompatibilityMapping
    }
}
