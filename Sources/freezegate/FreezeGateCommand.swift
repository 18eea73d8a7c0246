import ArgumentParser

@main
struct FreezeGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freezegate",
        abstract: "A tenant-freeze gateway in front of a multi-tenant education CRM.",
        version: FreezeGateVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, TenantCommand.self, CheckConfigCommand.self,
            ClassifyCommand.self, IntakeCommand.self,
        ]
    )
}
