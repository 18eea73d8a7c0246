/// Text as PostgreSQL can store it. Its `text` and `jsonb` hold every Unicode character but
/// U+0000, and a parameter travels to libpq as a C string, where a NUL would end it early; text
/// from outside (an encoded word `=00` in a mail's subject) may carry one.
public enum PostgresText {
    /// The text with each U+0000 replaced by U+FFFD (the replacement character), so that the rest
    /// of it is kept and stored.
    public static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar.value == 0 ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    /// The position (from 1, as `$1`) of the first parameter holding U+0000, which libpq would
    /// silently cut short there.
    static func firstParameterWithNUL(_ parameters: [String?]) -> Int? {
        parameters.firstIndex { $0?.utf8.contains(0) == true }.map { $0 + 1 }
    }
}
