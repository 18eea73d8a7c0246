import NIOCore
import NIOHTTP1

/// How a ``RecordingUpstream`` answers one request (chosen from its head).
public enum UpstreamBehavior: Sendable {
    /// After the request ends: this status, headers and body (`Content-Length` added unless present
    /// or `chunked` is set).
    case respond(HTTPResponseStatus, HTTPHeaders, String)
    /// After the request ends: 200 with a generated body of `bytes` bytes, written with backpressure;
    /// `chunked` picks the framing.
    case stream(bytes: Int, chunked: Bool)
    /// After the request ends, answers 200 with `received=<count> checksum=<fnv>` of the body.
    case summarize
    /// Waits this long after the request ends, then answers like `.respond`.
    case delayed(TimeAmount, HTTPResponseStatus, String)
    /// Sends a head promising `contentLength` bytes, then `sendBytes` of them, then closes.
    case dieMidResponse(contentLength: Int, sendBytes: Int)
    /// Sends the head of a 200 with this body's `Content-Length` at once, the body after `delay`.
    case headThenBody(String, delay: TimeAmount)
    /// Answers a chunked 200 whose body comes one part at a time (`part0`, `part1`, …), one every
    /// `every`, then ends.
    case trickle(parts: Int, every: TimeAmount)
    /// Writes these raw bytes (broken framing, …) and closes.
    case raw(String)
    /// Writes these bytes as they are (a response with non-UTF-8 bytes in a field value, …) and
    /// keeps the connection open.
    case rawBytes([UInt8])
    /// Writes these bytes as soon as the request head arrives, before any body (an upstream that
    /// answers early), and keeps the connection open.
    case answerAtHead([UInt8])
    /// Answers `101 Switching Protocols` (Upgrade: websocket) and then echoes every byte.
    case webSocketEcho
    /// Never answers.
    case silent
    /// Reads the request head, then no more (the body stays in the kernel's buffers and the
    /// sender's writes back up), and never answers.
    case stopReadingAfterHead
    /// Closes the connection as soon as the head arrives, without answering.
    case closeImmediately
}
