import Logging
import NIOCore

/// What the access log line of one request says; filled as the exchange progresses.
struct AccessLogRecord {
    var method: String = ""
    var host: String = ""
    var target: String = ""
    var status: UInt = 0
    var bytesIn: Int = 0
    var bytesOut: Int = 0
    var started: NIODeadline = .now()
    var upstreamStarted: NIODeadline?
    var upstreamFinished: NIODeadline?
    var tags: DecisionTags = .gateway
    var outcome: String = "complete"

    /// Updates the metrics and emits one `info` line with the fields as metadata.
    func emit(to logger: Logger, metrics: ProxyMetrics) {
        let now = NIODeadline.now()
        metrics.record(tags: self.tags, status: self.status, outcome: self.outcome, duration: now - self.started)
        metrics.recordUpstreamError(outcome: self.outcome)
        if let upstreamStarted = self.upstreamStarted, let upstreamFinished = self.upstreamFinished {
            metrics.recordUpstream(requestClass: self.tags.requestClass, duration: upstreamFinished - upstreamStarted)
        }
        // The line is built only when the logger would emit it (`serve --log-level warning` drops
        // it): its metadata dictionary costs a dozen allocations per request.
        guard logger.logLevel <= .info else { return }
        let totalMicros = (now - self.started).nanoseconds / 1000
        var metadata: Logger.Metadata = [
            "method": .string(self.method),
            "host": .string(self.host),
            "target": .string(self.target),
            "status": .stringConvertible(self.status),
            "bytes_in": .stringConvertible(self.bytesIn),
            "bytes_out": .stringConvertible(self.bytesOut),
            "total_us": .stringConvertible(totalMicros),
            "class": .string(self.tags.requestClass),
            "decision": .string(self.tags.decision),
            "outcome": .string(self.outcome),
        ]
        if let tenant = self.tags.tenant { metadata["tenant"] = .string(tenant) }
        if let upstreamStarted = self.upstreamStarted {
            let end = self.upstreamFinished ?? now
            metadata["upstream_us"] = .stringConvertible((end - upstreamStarted).nanoseconds / 1000)
        }
        logger.info("access", metadata: metadata)
    }
}
