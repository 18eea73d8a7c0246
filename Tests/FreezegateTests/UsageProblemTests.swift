import ArgumentParser
import Foundation
import Gateway
import TestSupport
import Testing

@testable import FreezeGateCLI

/// A refused command line is reported by its first problem, with the usage of the subcommand that
/// failed; `--version` works on every subcommand. The binary is run as an operator would.
@Suite("freezegate usage errors and --version", .timeLimit(.minutes(2)))
struct UsageProblemTests {
    private func firstLine(_ outcome: ProcessOutcome) -> String {
        String(outcome.stderr.split(separator: "\n").first ?? "")
    }

    @Test func anUnknownOptionIsNamedBeforeAMissingArgument() async throws {
        let outcome = try await FreezegateCLI.run(["tenant", "freeze", "acme", "--bogus"])
        #expect(outcome.status == 64)
        #expect(firstLine(outcome) == "Error: unknown option '--bogus' of 'freezegate tenant freeze'")
        #expect(outcome.stderr.contains("Usage: freezegate tenant freeze "))
        #expect(outcome.stderr.contains("See 'freezegate tenant freeze --help'"))
        let withValue = try await FreezegateCLI.run(["tenant", "list", "--stat=frozen"])
        #expect(firstLine(withValue) == "Error: unknown option '--stat' of 'freezegate tenant list'")
        #expect(withValue.stderr.contains("Usage: freezegate tenant list "))
    }

    @Test func aMissingArgumentShowsTheSubcommandsUsage() async throws {
        let outcome = try await FreezegateCLI.run(["tenant", "freeze"])
        #expect(outcome.status == 64)
        #expect(firstLine(outcome) == "Error: Missing expected argument '<tenant>'")
        #expect(outcome.stderr.contains("Usage: freezegate tenant freeze "))
        let value = try await FreezegateCLI.run(["tenant", "pay", "acme", "--days", "a month"])
        #expect(firstLine(value) == "Error: The value 'a month' is invalid for '--days <days>'")
        #expect(value.stderr.contains("Usage: freezegate tenant pay "))
    }

    /// A setting the command itself finds missing or bad (after parsing) shows that subcommand's
    /// usage too, not the one of `freezegate`.
    @Test func aCommandRefusingItsSettingsShowsItsOwnUsage() async throws {
        let intake = try await FreezegateCLI.run(
            ["intake", "mail", "--database-url", "postgresql://127.0.0.1:1/x"],
            environment: ["FREEZEGATE_AUTHSERV_ID": nil]
        )
        #expect(intake.status == 64)
        #expect(firstLine(intake) == "Error: missing --authserv-id (and FREEZEGATE_AUTHSERV_ID is not set)")
        #expect(intake.stderr.contains("Usage: freezegate intake mail "), "\(intake)")
        #expect(intake.stderr.contains("See 'freezegate intake mail --help'"))
        let serve = try await FreezegateCLI.run(["serve", "--upstream", "http://127.0.0.1:1", "--listen", "nowhere"])
        #expect(serve.status == 64)
        #expect(serve.stderr.contains("Usage: freezegate serve "), "\(serve)")
        #expect(!serve.stderr.contains("Usage: freezegate <subcommand>"))
    }

    @Test func aMistypedSubcommandIsNamedWithTheChoices() async throws {
        let nested = try await FreezegateCLI.run(["tenant", "frezee", "acme"])
        #expect(nested.status == 64)
        #expect(
            firstLine(nested)
                == "Error: unknown subcommand 'frezee' of 'freezegate tenant'; one of: list, status, create, freeze, unfreeze, cancel, pay, add-domain, requests"
        )
        #expect(nested.stderr.contains("Usage: freezegate tenant <subcommand>"))
        let version = try await FreezegateCLI.run(["version"])
        #expect(version.status == 64)
        #expect(firstLine(version).hasSuffix("(the version: freezegate --version)"))
    }

    @Test func validCommandLinesAndTheParsersOwnWordsAreLeftAlone() async throws {
        let help = try await FreezegateCLI.run(["help", "tenant", "list"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("USAGE: freezegate tenant list"))
        // A bad value of a known option keeps the subcommand's own message.
        let listen = try await FreezegateCLI.run(["serve", "--upstream", "http://127.0.0.1:1", "--listen", "nowhere"])
        #expect(listen.status == 64)
        #expect(firstLine(listen).contains("--listen"), "\(listen)")
        #expect(!listen.stderr.contains("unknown option"))
    }

    @Test func everySubcommandPrintsTheVersion() async throws {
        let paths = [[]] + Self.subcommandPaths(of: FreezeGateCommand.self)
        #expect(paths.contains(["tenant", "freeze"]))
        #expect(paths.contains(["intake", "mail"]))
        for path in paths {
            let outcome = try await FreezegateCLI.run(path + ["--version"])
            #expect(outcome.status == 0, "\(path): \(outcome)")
            #expect(outcome.stdout == FreezeGateVersion.current + "\n", "\(path)")
        }
    }

    @Test func theVersionIsSemantic() {
        #expect(FreezeGateVersion.current.wholeMatch(of: /\d+\.\d+\.\d+/) != nil)
    }

    /// `--version`, the newest version of CHANGELOG.md (`## [x.y.z] — date`) and the image tag of the
    /// Kubernetes base are raised together.
    @Test func theVersionIsTheChangelogsNewest() throws {
        let changelog = try String(contentsOfFile: BuiltProducts.repository + "/CHANGELOG.md", encoding: .utf8)
        let versions = changelog.split(separator: "\n").compactMap { line in
            line.wholeMatch(of: /## \[(\d+\.\d+\.\d+)\] — \d{4}-\d{2}-\d{2}/).map { String($0.output.1) }
        }
        #expect(versions.first == FreezeGateVersion.current, "\(versions)")
        #expect(changelog.contains("\n## [Unreleased]\n"))
        // The Kubernetes base deploys the image of this version.
        let kustomization = try String(
            contentsOfFile: BuiltProducts.repository + "/deploy/kubernetes/kustomization.yaml",
            encoding: .utf8
        )
        #expect(kustomization.contains("newTag: \(FreezeGateVersion.current)\n"))
    }

    /// Every subcommand path below `command` (`["tenant"]`, `["tenant", "freeze"]`, …).
    static func subcommandPaths<Command: ParsableCommand>(of command: Command.Type) -> [[String]] {
        Command.configuration.subcommands.flatMap { subcommand in
            self.paths(below: subcommand)
        }
    }

    private static func paths(below subcommand: any ParsableCommand.Type) -> [[String]] {
        self.openedPaths(subcommand)
    }

    private static func openedPaths<Command: ParsableCommand>(_: Command.Type) -> [[String]] {
        let name = Command.configuration.commandName ?? ""
        return [[name]] + self.subcommandPaths(of: Command.self).map { [name] + $0 }
    }
}
