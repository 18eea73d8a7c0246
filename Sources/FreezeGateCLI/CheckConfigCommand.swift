import ArgumentParser
import Foundation
import Gate
import Gateway

/// `freezegate check-config FILE`: validates a routing profile before it is deployed.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a routing profile (YAML) and print a summary, or the error with its line."
    )

    @Argument(help: "The profile file.")
    var file: String

    func run() throws {
        let profile: RouteProfile
        do {
            profile = try RouteProfile.load(contentsOfFile: self.file)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
        do {
            // The servers' URLs are checked as `serve` would, without resolving any name.
            let servers = try UpstreamProfileSettings.defaultServers(profile: profile, source: self.file)
            _ = try UpstreamProfileSettings.groups(defaultServers: servers, profile: profile, source: self.file)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        print(profile.summary)
    }
}
