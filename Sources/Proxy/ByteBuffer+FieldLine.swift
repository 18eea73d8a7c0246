import HTTPHead
import NIOCore

/// Field lines written with one reservation of the buffer. A browser's request carries a dozen
/// fields, and a line written as four pieces (name, `: `, value, CRLF) pays the buffer's
/// uniqueness, capacity and exclusivity checks four times; in the forwarding path's profile those
/// checks were more than half of the cost of writing the upstream's request head.
extension ByteBuffer {
    /// Writes `name: value` and CRLF, each part's bytes as given.
    mutating func writeFieldLine(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let length = name.count + value.count + 4
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
            UnsafeMutableRawBufferPointer(rebasing: target[0..<name.count]).copyMemory(from: name)
            target[name.count] = UInt8(ascii: ":")
            target[name.count + 1] = UInt8(ascii: " ")
            let valueStart = name.count + 2
            UnsafeMutableRawBufferPointer(rebasing: target[valueStart..<valueStart + value.count])
                .copyMemory(from: value)
            target[length - 2] = UInt8(ascii: "\r")
            target[length - 1] = UInt8(ascii: "\n")
            return length
        }
    }

    /// Writes `name: value` and CRLF: the name's bytes as they are (a token, ASCII), the value's
    /// as the request parser read them (``FieldValueEncoding``).
    mutating func writeFieldLine(name: String, wireValue value: String) {
        var name = name  // `withUTF8` makes the bytes contiguous where they are not (a native string's are)
        name.withUTF8 { name in
            FieldValueEncoding.withBytes(value) { value in
                self.writeFieldLine(name: UnsafeRawBufferPointer(name), value: UnsafeRawBufferPointer(value))
            }
        }
    }

    /// Writes `name: value` and CRLF for a value the gateway composed itself (configuration, a
    /// request ID, an address): its UTF-8 as it is.
    mutating func writeFieldLine(name: StaticString, text value: String) {
        var value = value
        value.withUTF8 { value in
            self.writeFieldLine(
                name: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
                value: UnsafeRawBufferPointer(value)
            )
        }
    }
}
