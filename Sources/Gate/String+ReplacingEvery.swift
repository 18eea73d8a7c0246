extension String {
    /// `self` with every `target` replaced by `replacement`, in Swift: Foundation's
    /// `replacingOccurrences` bridges to `NSString` on Linux, which made it a tenth of a blocked
    /// request's decision.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        let bytes = Array(self.utf8)
        let needle = Array(target.utf8)
        guard !needle.isEmpty, bytes.count >= needle.count else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + replacement.utf8.count)
        var index = 0
        while index < bytes.count {
            if index + needle.count <= bytes.count, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                result.append(contentsOf: replacement.utf8)
                index += needle.count
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
