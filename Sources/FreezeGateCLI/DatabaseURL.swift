import ArgumentParser
import Foundation
import Gateway

/// The database to use: `--database-url`, else `DATABASE_URL`.
enum DatabaseURL {
    static func resolve(
        flag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        if let flag, !flag.isEmpty { return flag }
        if let fromEnvironment = environment["DATABASE_URL"], !fromEnvironment.isEmpty { return fromEnvironment }
        throw ValidationError("missing --database-url (and DATABASE_URL is not set)")
    }
}
