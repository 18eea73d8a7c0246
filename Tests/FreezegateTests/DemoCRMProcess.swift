import Foundation
import TestSupport

/// A running `freezegate-demo-crm` on a free port, for one test.
struct DemoCRMProcess {
    let process: BackgroundProcess
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func start(_ arguments: [String] = []) async throws -> DemoCRMProcess {
        let process = try BackgroundProcess.start([BuiltProducts.demoCRM, "--listen", "127.0.0.1:0"] + arguments)
        guard try await process.waitForOutput("listening on http://127.0.0.1:"),
            let port = process.stdout.split(separator: ":").last.flatMap({
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        else {
            process.terminate()
            throw Failure(description: "the demo CRM did not start: \(process.stdout) \(process.stderr)")
        }
        return DemoCRMProcess(process: process, port: port)
    }

    func stop() { process.terminate() }
}
