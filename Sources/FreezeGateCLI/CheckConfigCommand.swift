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
        if !profile.settings.isEmpty {
            do {
                try Self.checkSettings(of: profile, file: self.file)
            } catch let error as ValidationError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
        }
        print(profile.summary)
        if !profile.settings.isEmpty {
            print("gateway settings: " + profile.settings.keys.sorted().joined(separator: ", "))
        }
    }

    /// The settings of `serve` the file holds, checked as `serve --config FILE` checks them (TLS
    /// files loaded, numbers and words read), with no flag or variable in the way. What `serve`
    /// requires and the file leaves to the command line (the database, an upstream) is filled in
    /// with a placeholder that is never used.
    static func checkSettings(of profile: RouteProfile, file: String) throws {
        var words = ["--config", file]
        if profile.settings[ServeSettingCatalog.databaseURL.key] == nil {
            words += ["--database-url", "dbname=unchecked"]
        }
        if profile.upstreams == nil { words += ["--upstream", "http://127.0.0.1:9"] }
        _ = try ServeCommand.parse(words).settings(environment: [:])
    }
}
