import ArgumentParser
import Gateway

/// `freezegate intake …`: requests that arrive by other ways than the CLI (e-mail).
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Take freeze requests from outside: intake mail.",
        subcommands: [IntakeMailCommand.self]
    )
}
