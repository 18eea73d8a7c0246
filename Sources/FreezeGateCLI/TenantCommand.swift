import ArgumentParser
import Gateway

/// `freezegate tenant …`: the ops CLI over the public SQL functions (sql/README.md).
///
/// Every subcommand calls the functions in schema `freezegate` and never judges a rule itself, so the
/// CLI, psql and any other client always agree. Exit codes: 0 ok, 1 other error, 2 rule violation
/// (SQLSTATE class FG), 3 unknown tenant or freeze, 4 database unreachable, 64 bad command line.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Operate tenants: list, status, create, freeze, unfreeze, cancel, pay, add-domain, requests.",
        discussion: """
            Exit codes: 0 ok; 1 other error; 2 a rule was violated (SQLSTATE class FG); 3 unknown tenant or \
            freeze (FG010, FG011); 4 the database cannot be reached; 64 bad command line.
            """,
        subcommands: [
            TenantListCommand.self, TenantStatusCommand.self, TenantCreateCommand.self, TenantFreezeCommand.self,
            TenantUnfreezeCommand.self, TenantCancelCommand.self, TenantPayCommand.self, TenantAddDomainCommand.self,
            TenantRequestsCommand.self,
        ]
    )
}
