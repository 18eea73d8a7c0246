/// The language a request is written in, and so its answer.
public enum RequestLanguage: String, Sendable {
    case russian = "ru"
    case english = "en"

    /// Russian when most letters are Cyrillic; English otherwise.
    public static func of(_ text: String) -> RequestLanguage {
        var cyrillic = 0
        var latin = 0
        for scalar in text.unicodeScalars {
            if (0x0400...0x04FF).contains(scalar.value) {
                cyrillic += 1
            } else if (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) {
                latin += 1
            }
        }
        return cyrillic > latin ? .russian : .english
    }
}
