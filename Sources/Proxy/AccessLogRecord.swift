import HTTPHead
import NIOCore
import NIOHTTP1

/// What the access log line of one request says; filled as the exchange progresses.
struct AccessLogRecord {
    var method: String = ""
    /// The request target as the decided head carries it (UTF-8 text).
    var target: String = ""
    /// The bytes received for `target` when they are not UTF-8 (`target` holds them
    /// percent-encoded): the line shows what the client sent, as nginx's does.
    var receivedTarget: ArraySlice<UInt8>?
    /// A refused request's line as received when it is not `METHOD TARGET HTTP/x.y`: `combined`
    /// shows it in place of the three, as nginx's `$request` does.
    var unreadRequestLine: [UInt8]?
    var version: HTTPVersion = .http1_1
    /// `Host`, `Referer` and `User-Agent`, where they lie in the request's field lines.
    var fields = AccessLogFieldValues()
    /// The client's address: the TCP peer, or what a trusted proxy said it was.
    var clientAddress: String = "-"
    var requestID: String = "-"
    var status: UInt = 0
    var bytesIn: Int = 0
    /// Body bytes sent to the client (nginx's `$body_bytes_sent`).
    var bytesOut: Int = 0
    var started: NIODeadline = .now()
    var upstreamStarted: NIODeadline?
    var upstreamFinished: NIODeadline?
    var tags: DecisionTags = .gateway
    var outcome: String = "complete"

    /// Takes a refused request's line (``RequestRejection/requestLine``): its method, target and
    /// version when it has the three parts, else the line as it came.
    mutating func readRefusedRequestLine(_ line: [UInt8]) {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        if parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[2].elementsEqual("HTTP/1.0".utf8) || parts[2].elementsEqual("HTTP/1.1".utf8)
        {
            self.method = String(decoding: parts[0], as: UTF8.self)
            self.target = NonUTF8Target.text(of: parts[1])
            self.receivedTarget = parts[1]
            self.version = parts[2].elementsEqual("HTTP/1.0".utf8) ? .http1_0 : .http1_1
        } else {
            self.unreadRequestLine = line
        }
    }

    /// Updates the metrics and appends the line to this event loop's access log buffer (if the
    /// access log is on).
    func emit(to accessLog: AccessLogLoopBuffer?, metrics: ProxyMetrics) {
        let now = NIODeadline.now()
        metrics.record(tags: self.tags, status: self.status, outcome: self.outcome, duration: now - self.started)
        metrics.recordUpstreamError(outcome: self.outcome)
        if let upstreamStarted = self.upstreamStarted, let upstreamFinished = self.upstreamFinished {
            metrics.recordUpstream(requestClass: self.tags.requestClass, duration: upstreamFinished - upstreamStarted)
        }
        accessLog?.append(self, now: now)
    }

    /// Seconds from the upstream request to the end of its response (or to `now`), if it had one.
    func upstreamTime(now: NIODeadline) -> TimeAmount? {
        guard let upstreamStarted = self.upstreamStarted else { return nil }
        return (self.upstreamFinished ?? now) - upstreamStarted
    }
}
