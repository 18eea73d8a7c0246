import Glibc
import NIOCore

/// One event loop's access log lines: formatted into this buffer by the connections of the loop
/// (no lock: only the loop touches it) and handed to the ``AccessLogSink`` in batches, when the
/// buffer reaches ``flushBytes`` or a second after the last hand-over, like nginx's
/// `access_log … buffer=64k flush=1s`.
final class AccessLogLoopBuffer {
    let sink: AccessLogSink
    let flushBytes: Int
    private let eventLoop: any EventLoop
    private var bytes: [UInt8] = []
    private var lines = 0
    private var clock = AccessLogClock()
    private var timer: Scheduled<Void>?
    private var stopped = false

    init(sink: AccessLogSink, eventLoop: any EventLoop, flushBytes: Int = 64 * 1024) {
        self.sink = sink
        self.eventLoop = eventLoop
        self.flushBytes = flushBytes
        self.bytes.reserveCapacity(flushBytes + 1024)
    }

    func append(_ record: AccessLogRecord, now: NIODeadline) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        self.clock.update(secondsSinceEpoch: time.tv_sec)
        AccessLogLine.append(
            record,
            format: self.sink.format,
            clock: self.clock,
            milliseconds: time.tv_nsec / 1_000_000,
            totalTime: now - record.started,
            upstreamTime: record.upstreamTime(now: now),
            into: &self.bytes
        )
        self.lines += 1
        if self.bytes.count >= self.flushBytes {
            self.flush()
        } else if self.timer == nil, !self.stopped {
            self.timer = self.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) {
                self.timer = nil
                self.flush()
            }
        }
    }

    /// Hands what is buffered to the sink.
    func flush() {
        guard !self.bytes.isEmpty else { return }
        let batch = self.bytes
        self.sink.submit(batch, lines: self.lines)
        self.bytes.removeAll(keepingCapacity: true)
        self.lines = 0
    }

    /// Flushes and stops the timer (shutdown).
    func stop() {
        self.stopped = true
        self.timer?.cancel()
        self.timer = nil
        self.flush()
    }
}
