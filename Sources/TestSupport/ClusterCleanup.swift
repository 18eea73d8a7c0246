import Foundation
import Synchronization

/// Makes sure test clusters do not outlive the test process.
///
/// At a normal exit an `atexit` handler sends the postmaster SIGQUIT (immediate shutdown). For every
/// other end — a crash, Ctrl-C, SIGKILL — a detached watchdog polls for the test process and, once it
/// is gone, stops the server and deletes the directory.
enum ClusterCleanup {
    private static let live = Mutex<[String: String]>([:])  // directory → postmaster.pid path
    private static let installed = Mutex(false)

    static func register(_ cluster: PostgresTestCluster) {
        live.withLock { $0[cluster.directory] = cluster.postmasterPIDFile }
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit {
                ClusterCleanup.stopAllImmediately()
            }
        }
    }

    static func forget(_ cluster: PostgresTestCluster) {
        _ = live.withLock { $0.removeValue(forKey: cluster.directory) }
    }

    static func spawnWatchdog(for cluster: PostgresTestCluster, stopCommand: [String]) throws {
        let quoted = stopCommand.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
            separator: " "
        )
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done
            \(quoted) >/dev/null 2>&1
            rm -rf '\(cluster.directory)'
            """
        try CommandRunner.spawnDetached(["sh", "-c", script])
    }

    private static func stopAllImmediately() {
        let pidFiles = live.withLock { Array($0.values) }
        for pidFile in pidFiles {
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let firstLine = text.split(separator: "\n").first,
                let pid = Int32(firstLine.trimmingCharacters(in: .whitespaces))
            else { continue }
            kill(pid, SIGQUIT)
        }
    }
}
