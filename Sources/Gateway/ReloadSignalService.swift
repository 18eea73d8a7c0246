import Dispatch
import Foundation
import ServiceLifecycle

/// Calls a reload action on every SIGHUP (the profile) or SIGUSR1 (the access log file), until
/// graceful shutdown.
///
/// The signal's default action (terminate) is replaced by `SIG_IGN` at construction, before
/// anything listens, so an early or repeated signal never kills the gateway; a dispatch signal
/// source then delivers it on its own queue (never on an event loop).
package struct ReloadSignalService: Service {
    package let signalNumber: Int32
    package let action: @Sendable () -> Void

    package init(signal signalNumber: Int32 = SIGHUP, action: @escaping @Sendable () -> Void) {
        signal(signalNumber, SIG_IGN)
        self.signalNumber = signalNumber
        self.action = action
    }

    package func run() async throws {
        let source = DispatchSource.makeSignalSource(
            signal: self.signalNumber,
            queue: DispatchQueue(label: "freezegate.signal.\(self.signalNumber)")
        )
        let action = self.action
        source.setEventHandler { action() }
        source.resume()
        try? await gracefulShutdown()
        source.cancel()
    }
}
