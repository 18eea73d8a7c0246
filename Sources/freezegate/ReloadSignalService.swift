import Dispatch
import Foundation
import ServiceLifecycle

/// Calls a reload action on every SIGHUP, until graceful shutdown.
///
/// SIGHUP's default action (terminate) is replaced by `SIG_IGN` at construction, before anything
/// listens, so an early or repeated SIGHUP never kills the gateway; a dispatch signal source then
/// delivers it on its own queue (never on an event loop).
struct ReloadSignalService: Service {
    let action: @Sendable () -> Void

    init(action: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        self.action = action
    }

    func run() async throws {
        let source = DispatchSource.makeSignalSource(
            signal: SIGHUP,
            queue: DispatchQueue(label: "freezegate.sighup")
        )
        let action = self.action
        source.setEventHandler { action() }
        source.resume()
        try? await gracefulShutdown()
        source.cancel()
    }
}
