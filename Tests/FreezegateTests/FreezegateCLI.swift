import Foundation
import TestSupport

/// Runs the built `freezegate` binary as an operator would, without DATABASE_URL from the test's environment.
enum FreezegateCLI {
    static func run(
        _ arguments: [String],
        environment: [String: String?] = [:],
        timeLimit: Double = 120
    ) async throws
        -> ProcessOutcome
    {
        var variables: [String: String?] = ["DATABASE_URL": nil]
        for (name, value) in environment { variables[name] = value }
        return try await ChildProcess.run(
            [BuiltProducts.freezegate] + arguments,
            environment: variables,
            timeLimit: timeLimit
        )
    }

    /// `freezegate tenant …` against `url`.
    static func tenant(_ arguments: [String], url: String) async throws -> ProcessOutcome {
        try await run(["tenant"] + arguments + ["--database-url", url])
    }

    static func json(_ outcome: ProcessOutcome) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
    }

    /// A libpq string for a port on 127.0.0.1 that nothing listens on.
    static func unreachableURL() throws -> String {
        "host=127.0.0.1 port=\(try FreePort.find()) dbname=nothing user=nobody connect_timeout=3"
    }
}
