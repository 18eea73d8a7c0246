/// Everything `sql/` holds: the numbered migrations, applied once each in order, and the
/// repeatable files, applied after them whenever their text changed.
public struct MigrationSet: Sendable, Hashable {
    public var versioned: [MigrationFile]
    public var repeatable: [RepeatableMigrationFile]

    public init(versioned: [MigrationFile], repeatable: [RepeatableMigrationFile] = []) {
        self.versioned = versioned
        self.repeatable = repeatable
    }
}
