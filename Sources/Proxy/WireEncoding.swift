import HTTPHead
import NIOCore
import NIOHTTP1

/// How the gateway puts HTTP on the wire. Neither side's pipeline has an HTTP encoder: forwarded
/// heads are written as bytes by ``ForwardingHeaderPolicy`` (request and response), the gateway's
/// own response heads by ``writeResponseHead(_:into:)``, and bodies are framed here.
enum WireEncoding {
    /// `HTTP/x.y code reason`, the fields as given, the empty line.
    static func writeResponseHead(_ head: HTTPResponseHead, into out: inout ByteBuffer) {
        out.writeStaticString(head.version == .http1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(head.status.code))
        out.writeInteger(ASCII.space)
        out.writeString(head.status.reasonPhrase)
        out.writeStaticString("\r\n")
        for (name, value) in head.headers {
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
    }

    /// Passes `data` to `write` as one chunk: its size line, the data itself (not copied), CRLF.
    /// Empty data writes nothing: an empty chunk would end the body.
    static func writeChunk(_ data: ByteBuffer, allocator: ByteBufferAllocator, _ write: (ByteBuffer) -> Void) {
        guard data.readableBytes > 0 else { return }
        var sizeLine = allocator.buffer(capacity: 18)
        sizeLine.writeString(String(data.readableBytes, radix: 16))
        sizeLine.writeStaticString("\r\n")
        write(sizeLine)
        write(data)
        var end = allocator.buffer(capacity: 2)
        end.writeStaticString("\r\n")
        write(end)
    }

    /// The last chunk, the trailer field lines (each with its CRLF) and the empty line.
    static func writeLastChunk(trailers: ByteBuffer?, into out: inout ByteBuffer) {
        out.writeStaticString("0\r\n")
        if var trailers { out.writeBuffer(&trailers) }
        out.writeStaticString("\r\n")
    }

    /// The last chunk with trailer fields, as the request decoder reported them (values byte for
    /// byte: ``FieldValueEncoding``).
    static func writeLastChunk(trailers: HTTPHeaders?, into out: inout ByteBuffer) {
        out.writeStaticString("0\r\n")
        for (name, value) in trailers ?? [:] {
            out.writeString(name)
            out.writeStaticString(": ")
            FieldValueEncoding.write(value, into: &out)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
    }
}
