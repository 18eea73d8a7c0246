/// What one `migrate` run did.
public struct MigrationReport: Sendable {
    /// Files applied by this run, in order.
    public var applied: [MigrationFile] = []
    /// Files found already applied (unchanged).
    public var alreadyApplied: [MigrationFile] = []
    /// Versions recorded in the database for which no file exists (applied by a newer release).
    public var unknownApplied: [Int] = []
    /// Repeatable files applied by this run (new or changed since they were last applied), by name.
    public var repeatableApplied: [RepeatableMigrationFile] = []
    /// Repeatable files unchanged since they were last applied.
    public var repeatableUnchanged: [RepeatableMigrationFile] = []
}
