import NIOConcurrencyHelpers
import NIOCore

/// `--max-connections`: at most `limit` client connections per process, across the listeners.
/// At the limit the listeners stop accepting (their server channels stop reading), so further
/// clients wait in the kernel's listen backlog, as with nginx's `worker_connections`; when a
/// connection closes, accepting resumes. Connection open and close only: nothing per request.
public final class ConnectionLimiter: Sendable {
    public let limit: Int

    private struct State {
        var open = 0
        var paused = false
        var listeners: [Channel] = []
    }

    private let state = NIOLockedValueBox(State())

    public init(limit: Int) {
        precondition(limit > 0, "the connection limit must be positive")
        self.limit = limit
    }

    /// Whether the listeners are paused at the limit.
    var isPaused: Bool {
        self.state.withLockedValue { $0.paused }
    }

    /// Connections open now.
    public var openConnections: Int {
        self.state.withLockedValue { $0.open }
    }

    func register(listener: Channel) {
        self.state.withLockedValue { $0.listeners.append(listener) }
    }

    /// A listener accepted `connection`: counted until it closes; at the limit every listener
    /// stops accepting.
    func accepted(_ connection: Channel) {
        let pause = self.state.withLockedValue { state -> [Channel] in
            state.open += 1
            guard state.open >= self.limit, !state.paused else { return [] }
            state.paused = true
            return state.listeners
        }
        for listener in pause { listener.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
        connection.closeFuture.whenComplete { _ in self.closed() }
    }

    private func closed() {
        let resume = self.state.withLockedValue { state -> [Channel] in
            state.open -= 1
            guard state.paused, state.open < self.limit else { return [] }
            state.paused = false
            return state.listeners
        }
        for listener in resume {
            listener.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            // A server channel whose reads were off does not read again by itself.
            listener.read()
        }
    }
}
