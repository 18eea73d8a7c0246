import Glibc
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOPosix

/// The access log's writer: event loops hand it batches of formatted lines (``AccessLogLoopBuffer``)
/// and one thread of its own writes them, so a slow or stalled disk never blocks an event loop.
/// What waits for the writer is bounded (``maxQueuedBytes``): beyond it a batch is dropped, its
/// lines counted in `freezegate_access_log_dropped_lines_total` and the first drop reported in the
/// error log. SIGUSR1 (``reopen()``) reopens a file, for logrotate.
public final class AccessLogSink: Sendable {
    public let destination: AccessLogDestination
    public let format: AccessLogFormat
    /// Formatted bytes that may wait for the writer before batches are dropped.
    public let maxQueuedBytes: Int

    private struct State {
        var descriptor: CInt
        var queuedBytes = 0
        var droppedLines = 0
        var dropReported = false
        var closed = false
    }

    private let state: NIOLockedValueBox<State>
    private let writer: NIOThreadPool
    private let logger: Logger
    private let dropped = Counter(label: "freezegate_access_log_dropped_lines_total")

    /// Opens the destination (a file is created if missing and appended to).
    ///
    /// - Throws: ``AccessLogError`` naming the file and the reason when it cannot be opened.
    public init(
        destination: AccessLogDestination,
        format: AccessLogFormat,
        maxQueuedBytes: Int = 8 << 20,
        logger: Logger
    ) throws {
        self.destination = destination
        self.format = format
        self.maxQueuedBytes = maxQueuedBytes
        self.logger = logger
        let descriptor: CInt
        switch destination {
        case .standardOutput, .off:
            descriptor = STDOUT_FILENO
        case .file(let path):
            descriptor = try Self.open(path)
        }
        self.state = NIOLockedValueBox(State(descriptor: descriptor))
        self.writer = NIOThreadPool(numberOfThreads: 1)
        self.writer.start()
    }

    static func open(_ path: String) throws -> CInt {
        let descriptor = path.withCString { Glibc.open($0, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else {
            throw AccessLogError(path: path, reason: String(cString: strerror(errno)))
        }
        return descriptor
    }

    /// Lines dropped so far because the writer fell behind or a write failed.
    public var droppedLines: Int {
        self.state.withLockedValue { $0.droppedLines }
    }

    /// Queues `batch` (`lines` complete lines) for the writer, or drops it when too much waits.
    func submit(_ batch: [UInt8], lines: Int) {
        // Queued under the lock that ``close()`` marks the sink closed under: every batch accepted
        // is ahead of the last item ``close()`` queues, so it is written before the file closes.
        let accepted = self.state.withLockedValue { state -> Bool in
            guard !state.closed, state.queuedBytes + batch.count <= self.maxQueuedBytes else { return false }
            state.queuedBytes += batch.count
            self.writer.submit { [self] _ in
                let descriptor = self.state.withLockedValue { $0.descriptor }
                let written = Self.writeAll(batch, to: descriptor)
                self.state.withLockedValue { $0.queuedBytes -= batch.count }
                if !written { self.drop(lines: lines, reason: String(cString: strerror(errno))) }
            }
            return true
        }
        if !accepted { self.drop(lines: lines, reason: "the writer is behind") }
    }

    private func drop(lines: Int, reason: String) {
        self.dropped.increment(by: Int64(lines))
        let first = self.state.withLockedValue { state -> Bool in
            state.droppedLines += lines
            defer { state.dropReported = true }
            return !state.dropReported
        }
        if first {
            self.logger.error(
                "access log lines dropped (counted in freezegate_access_log_dropped_lines_total; reported once)",
                metadata: ["destination": "\(self.destination.description)", "reason": "\(reason)"]
            )
        }
    }

    /// Reopens a file destination after the lines queued before this call are written (logrotate
    /// moved the old file away). A file that cannot be opened keeps the old descriptor.
    public func reopen() {
        guard case .file(let path) = self.destination else { return }
        self.state.withLockedValue { state in
            guard !state.closed else { return }
            self.writer.submit { [self] _ in self.reopenNow(path) }
        }
    }

    private func reopenNow(_ path: String) {
        do {
            let descriptor = try Self.open(path)
            let old = self.state.withLockedValue { state -> CInt in
                defer { state.descriptor = descriptor }
                return state.descriptor
            }
            _ = Glibc.close(old)
            self.logger.notice("access log reopened", metadata: ["file": "\(path)"])
        } catch {
            self.logger.error(
                "access log reopen failed; still writing the old file",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// Writes what is queued, then stops the writer and closes a file. Batches submitted later are
    /// dropped.
    public func close() async {
        let alreadyClosed = self.state.withLockedValue { state -> Bool in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        // Every batch queued before is written first (the pool is one thread, in order). Stopping
        // the pool with batches still waiting would hand them to a dispatch queue, to be run after
        // the file below is closed — lines lost, or written to whatever reuses the descriptor.
        await withCheckedContinuation { (written: CheckedContinuation<Void, Never>) in
            self.writer.submit { _ in written.resume() }
        }
        try? await self.writer.shutdownGracefully()
        if case .file = self.destination {
            _ = Glibc.close(self.state.withLockedValue { $0.descriptor })
        }
    }

    /// `write(2)` until every byte is out (a short write or EINTR is continued).
    private static func writeAll(_ bytes: [UInt8], to descriptor: CInt) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
    }
}
