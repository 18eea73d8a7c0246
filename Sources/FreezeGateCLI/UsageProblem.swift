import ArgumentParser
import Gateway

/// The first problem of a command line the parser refused, when the parser would name another.
///
/// swift-argument-parser reports a missing argument before an unknown option
/// (`freezegate tenant freeze acme --bogus` said "Missing expected argument '--from'") and a
/// mistyped subcommand as an "Unexpected argument". Here the command line is walked down the
/// subcommand tree: a word that names no subcommand, or an option the reached subcommand does not
/// have, is the problem, reported with that subcommand's usage. `nil` keeps the parser's message.
enum UsageProblem {
    static func message(for arguments: [String]) -> String? {
        var command: any ParsableCommand.Type = FreezeGateCommand.self
        var path = ["freezegate"]
        var commandArguments: [String] = []
        for argument in arguments {
            if argument == "--" { break }
            let subcommands = self.configuration(of: command).subcommands
            if !argument.hasPrefix("-"), !subcommands.isEmpty, commandArguments.isEmpty {
                // `help` is the parser's own subcommand (`freezegate help tenant freeze`).
                if argument == "help" { return nil }
                guard let next = subcommands.first(where: { self.configuration(of: $0).commandName == argument }) else {
                    let names = subcommands.compactMap { self.configuration(of: $0).commandName }
                    var text = "Error: unknown subcommand '\(argument)' of '\(path.joined(separator: " "))'"
                    text += "; one of: \(names.joined(separator: ", "))"
                    if argument == "version" { text += " (the version: \(path[0]) --version)" }
                    return text + "\n" + self.usage(of: command, path: path)
                }
                command = next
                path.append(argument)
                continue
            }
            commandArguments.append(argument)
        }
        let known = self.optionNames(
            in: FreezeGateCommand.helpMessage(for: command, includeHidden: true, columns: 10_000)
        )
        .union(["--help", "--version"])
        for argument in commandArguments where argument.hasPrefix("--") {
            let name = String(argument.split(separator: "=", maxSplits: 1)[0])
            if !known.contains(name) {
                return "Error: unknown option '\(name)' of '\(path.joined(separator: " "))'\n"
                    + self.usage(of: command, path: path)
            }
        }
        return nil
    }

    /// A command line the parser took whose command then refused it (a `ValidationError` thrown by
    /// `run`, such as a setting missing from flags, environment and file): the message with the
    /// usage of that subcommand, not of `freezegate`, which is what the parser's own `exit` shows.
    static func refusedByCommand(_ command: any ParsableCommand.Type, message: String) -> String {
        let path = self.path(to: command, below: FreezeGateCommand.self, path: ["freezegate"]) ?? ["freezegate"]
        return "Error: \(message)\n" + self.usage(of: command, path: path)
    }

    /// The command names from `node` down to `command` in the subcommand tree (`freezegate intake mail`).
    private static func path(
        to command: any ParsableCommand.Type,
        below node: any ParsableCommand.Type,
        path: [String]
    ) -> [String]? {
        if ObjectIdentifier(node) == ObjectIdentifier(command) { return path }
        for subcommand in self.configuration(of: node).subcommands {
            let name = self.configuration(of: subcommand).commandName ?? "\(subcommand)"
            if let found = self.path(to: command, below: subcommand, path: path + [name]) { return found }
        }
        return nil
    }

    /// The configuration of a subcommand type (a generic function: calling a static member on the
    /// existential metatype directly crashes Swift 6.3's SIL generation).
    private static func configuration(of command: any ParsableCommand.Type) -> CommandConfiguration {
        self.openedConfiguration(command)
    }

    private static func openedConfiguration<Command: ParsableCommand>(_: Command.Type) -> CommandConfiguration {
        Command.configuration
    }

    /// Every `--name` a help screen mentions (its OPTIONS section lists them all).
    static func optionNames(in help: String) -> Set<String> {
        Set(help.matches(of: /--[A-Za-z0-9][A-Za-z0-9-]*/).map { String($0.output) })
    }

    private static func usage(of command: any ParsableCommand.Type, path: [String]) -> String {
        "Usage: \(FreezeGateCommand.usageString(for: command))\n  See '\(path.joined(separator: " ")) --help' for more information.\n"
    }
}
