import Logging
import ServiceLifecycle

/// Tells systemd (`Type=notify`) when the gateway is ready and when it starts to drain.
///
/// `READY=1` goes out once the first full tenant snapshot is loaded — the moment `/readyz` turns
/// 200 — so units ordered after this one start against a gateway that decides from real state.
/// `STOPPING=1` goes out when SIGTERM begins the drain. `serve` lists this service last: the
/// service group shuts services down in reverse order, so this one hears of the shutdown first,
/// before the proxy stops accepting.
package struct SystemdNotificationService: Service {
    package let notifier: SystemdNotifier
    package let isReady: @Sendable () -> Bool
    package let logger: Logger
    /// How often readiness is checked until it holds; the sync has no start-up callback, and a
    /// tenth of a second is nothing next to loading a snapshot.
    package var pollInterval: Duration = .milliseconds(100)

    package init(notifier: SystemdNotifier, isReady: @escaping @Sendable () -> Bool, logger: Logger) {
        self.notifier = notifier
        self.isReady = isReady
        self.logger = logger
    }

    package func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if isReady() {
                    notify("READY=1\nSTATUS=tenant snapshot loaded, serving")
                    break
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
        // Either ready and waiting for the shutdown, or shut down before ever being ready.
        try? await gracefulShutdown()
        notify("STOPPING=1\nSTATUS=draining")
    }

    private func notify(_ message: String) {
        if let failure = notifier.send(message) {
            logger.warning(
                "could not notify systemd",
                metadata: ["message": .string(message), "error": .string(failure)]
            )
        }
    }
}
