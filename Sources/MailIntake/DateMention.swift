/// A date found in the text, where it was found, and whether it gave its year.
struct DateMention {
    var range: Range<String.Index>
    var year: Int?
    var month: Int
    var day: Int
}
