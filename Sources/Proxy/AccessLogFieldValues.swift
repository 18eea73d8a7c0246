import HTTPHead

/// The request field values an access log line shows — `Host`, `Referer`, `User-Agent` — as where
/// they lie in the request's field lines: formatted from there when the line is written, with no
/// string made of them per request. An absent field is nil, told apart from an empty value as
/// nginx tells them apart: `"-"` and `""` in `combined`, `null` and `""` in JSON.
struct AccessLogFieldValues {
    /// The request's field lines (``RequestFields/lines``): shared with the request's head, not
    /// copied.
    var lines: [UInt8] = []
    var host: Range<Int>?
    var referer: Range<Int>?
    var userAgent: Range<Int>?

    /// Calls `body` with the bytes of the value at `range` (one of this value's ranges), as received.
    func withBytes<Result>(of range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        self.lines.withUnsafeBufferPointer { lines in
            guard range.lowerBound >= 0, range.upperBound <= lines.count else {
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return body(UnsafeBufferPointer(rebasing: lines[range]))
        }
    }
}
