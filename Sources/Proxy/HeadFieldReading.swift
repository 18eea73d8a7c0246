/// What the request parser learns from a head's field lines about the message's framing and its
/// upgrade, read line by line: `Content-Length` (once, valid), `Transfer-Encoding`'s codings, the
/// number of `Host` lines, `Upgrade` and `Connection: upgrade`.
struct HeadFieldReading {
    var contentLength: Int?
    var contentLengthLines = 0
    var transferCodings: [String] = []
    var hasTransferEncoding = false
    var hostLines = 0
    var hasUpgrade = false
    var connectionUpgrade = false

    /// Reads one field (its name and its value without the whitespace around it); the 400 that
    /// refuses the request when the field breaks a framing rule.
    mutating func read(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> RequestRejection? {
        switch name.count {
        case 14 where ASCII.equalsCaseInsensitive(name, "content-length"):
            self.contentLengthLines += 1
            guard self.contentLengthLines == 1 else {
                return RequestRejection(.badRequest, "repeated Content-Length")
            }
            guard let length = ContentLengthValue.parse(value) else {
                return RequestRejection(.badRequest, "invalid Content-Length")
            }
            self.contentLength = length
        case 17 where ASCII.equalsCaseInsensitive(name, "transfer-encoding"):
            self.hasTransferEncoding = true
            FieldValueList.forEachElement(of: value, emptyElements: .reported) { coding in
                self.transferCodings.append(String(decoding: coding, as: UTF8.self).lowercased())
            }
        case 4 where ASCII.equalsCaseInsensitive(name, "host"):
            self.hostLines += 1
        case 7 where ASCII.equalsCaseInsensitive(name, "upgrade"):
            self.hasUpgrade = true
        case 10 where ASCII.equalsCaseInsensitive(name, "connection"):
            FieldValueList.forEachElement(of: value, emptyElements: .skipped) { token in
                if ASCII.equalsCaseInsensitive(token, "upgrade") { self.connectionUpgrade = true }
            }
        default:
            break
        }
        return nil
    }
}
