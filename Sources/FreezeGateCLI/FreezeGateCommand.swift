import ArgumentParser
import Foundation
import Gateway

/// The `freezegate` command line: every subcommand, run by the executable's `main.swift`.
public struct FreezeGateCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "freezegate",
        abstract: "A tenant-freeze gateway in front of a multi-tenant education CRM.",
        version: FreezeGateVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, TenantCommand.self, CheckConfigCommand.self,
            ClassifyCommand.self, IntakeCommand.self,
        ]
    )

    public init() {}

    /// What the parser's own `main` does, except that a refused command line is reported by its
    /// first problem (``UsageProblem``), with the usage of the subcommand that failed.
    public static func runCommandLine() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(arguments)
        } catch {
            if exitCode(for: error) == .validationFailure, let message = UsageProblem.message(for: arguments) {
                FileHandle.standardError.write(Data(message.utf8))
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let error as ValidationError {
            let message = UsageProblem.refusedByCommand(type(of: command), message: error.message)
            FileHandle.standardError.write(Data(message.utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
