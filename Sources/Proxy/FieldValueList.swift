/// The elements of a comma-separated field value (`#element`, RFC 9110 §5.6.1): `Connection`,
/// `Transfer-Encoding`, `Upgrade`, read one way in both directions.
enum FieldValueList {
    /// What to do with an empty element (`a,,b`, a trailing comma).
    enum EmptyElements: Sendable {
        /// Skipped, as RFC 9110 tells a recipient to: for lists whose meaning an empty element
        /// cannot change (`Connection`, `Upgrade`, a response's `Transfer-Encoding`).
        case skipped
        /// Reported as an empty element, for the caller to refuse: a request's `Transfer-Encoding`
        /// must be exactly `chunked`, and `chunked,` is what a lenient server may read otherwise.
        case reported
    }

    /// Calls `body` with each element, without the optional whitespace around it.
    static func forEachElement<Value: BidirectionalCollection<UInt8>>(
        of value: Value,
        emptyElements: EmptyElements,
        _ body: (Value.SubSequence) -> Void
    ) {
        var start = value.startIndex
        while true {
            var end = start
            while end != value.endIndex, value[end] != ASCII.comma { value.formIndex(after: &end) }
            var first = start
            var last = end
            while first != last, ASCII.isOptionalWhitespace(value[first]) { value.formIndex(after: &first) }
            while last != first, ASCII.isOptionalWhitespace(value[value.index(before: last)]) {
                value.formIndex(before: &last)
            }
            if first != last || emptyElements == .reported { body(value[first..<last]) }
            guard end != value.endIndex else { return }
            start = value.index(after: end)
        }
    }
}
