/// Turning decoded bytes into text the way a strict or a lenient upstream would.
enum UTF8Reading {
    struct Result {
        var text: String
        /// Some bytes were not valid UTF-8 (kept as `%xx` text, or decoded leniently).
        var invalid: Bool
        /// Some sequence was an overlong encoding (`%c0%ae` for `.`), the classic filter bypass.
        var overlong: Bool
    }

    /// Decodes `bytes`; invalid bytes become `%xx` text. With `lenient`, structurally complete but
    /// overlong or otherwise non-shortest sequences are decoded to their scalar, as old decoders did.
    static func decode(_ bytes: [UInt8], lenient: Bool) -> Result {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return Result(text: String(decoding: bytes, as: UTF8.self), invalid: false, overlong: false)
        }
        var scalars = String.UnicodeScalarView()
        var invalid = false
        var overlong = false
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                scalars.append(Unicode.Scalar(lead))
                index += 1
                continue
            }
            let length: Int
            var value: UInt32
            switch lead {
            case 0xC0...0xDF:
                length = 2
                value = UInt32(lead & 0x1F)
            case 0xE0...0xEF:
                length = 3
                value = UInt32(lead & 0x0F)
            case 0xF0...0xF7:
                length = 4
                value = UInt32(lead & 0x07)
            default:
                length = 0
                value = 0
            }
            var complete = length > 0 && index + length <= bytes.count
            if complete {
                for offset in 1..<length {
                    let byte = bytes[index + offset]
                    if byte & 0xC0 != 0x80 {
                        complete = false
                        break
                    }
                    value = value << 6 | UInt32(byte & 0x3F)
                }
            }
            if complete {
                let minimum: UInt32 = length == 2 ? 0x80 : (length == 3 ? 0x800 : 0x10000)
                let isOverlong = value < minimum
                let scalar = Unicode.Scalar(value)
                if !isOverlong, let scalar {
                    scalars.append(scalar)
                    index += length
                    continue
                }
                invalid = true
                if isOverlong { overlong = true }
                if lenient, let scalar {
                    scalars.append(scalar)
                    index += length
                    continue
                }
            }
            invalid = true
            scalars.append(contentsOf: PercentDecoding.escaped(lead).unicodeScalars)
            index += 1
        }
        return Result(text: String(scalars), invalid: invalid, overlong: overlong)
    }
}
