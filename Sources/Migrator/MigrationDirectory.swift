import Foundation

/// Finds and reads the `sql/` directory of migrations.
public enum MigrationDirectory {
    /// Where to look, in order: an explicit path, `FREEZEGATE_SQL_DIR`, `./sql`, a `sql/` beside or
    /// above the executable (a checkout's `.build/release/freezegate`), then the install locations.
    public static func candidates(explicit: String?, environment: [String: String], executablePath: String) -> [String]
    {
        if let explicit { return [explicit] }
        var paths: [String] = []
        if let fromEnvironment = environment["FREEZEGATE_SQL_DIR"], !fromEnvironment.isEmpty {
            paths.append(fromEnvironment)
        }
        paths.append(FileManager.default.currentDirectoryPath + "/sql")
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            paths.append(directory.appendingPathComponent("sql").path)
            directory = directory.deletingLastPathComponent()
        }
        paths.append("/usr/local/share/freezegate/sql")
        paths.append("/usr/share/freezegate/sql")
        return paths
    }

    /// The first candidate that holds at least one `NNNN_*.sql` file.
    public static func locate(explicit: String?) throws -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        let paths = candidates(
            explicit: explicit,
            environment: ProcessInfo.processInfo.environment,
            executablePath: executable
        )
        for path in paths {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if names.contains(where: { MigrationFile.parse(fileName: $0, sql: "") != nil }) {
                return path
            }
        }
        throw MigrationError.directoryNotFound(searched: paths)
    }

    /// Reads every `.sql` file of `path`: the numbered ones sorted by version, the repeatable ones
    /// by name.
    public static func load(_ path: String) throws -> MigrationSet {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw MigrationError.unreadableDirectory(path: path, reason: error.localizedDescription)
        }
        var files: [MigrationFile] = []
        var repeatable: [RepeatableMigrationFile] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let url = URL(fileURLWithPath: path).appendingPathComponent(name)
            let sql: String
            do {
                sql = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw MigrationError.unreadableDirectory(path: url.path, reason: error.localizedDescription)
            }
            if let file = MigrationFile.parse(fileName: name, sql: sql) {
                files.append(file)
            } else if let file = RepeatableMigrationFile.parse(fileName: name, sql: sql) {
                repeatable.append(file)
            } else {
                throw MigrationError.invalidFileName(name)
            }
        }
        try checkUniqueVersions(files)
        return MigrationSet(
            versioned: files.sorted { $0.version < $1.version },
            repeatable: repeatable.sorted { $0.name < $1.name }
        )
    }

    static func checkUniqueVersions(_ files: [MigrationFile]) throws {
        let byVersion = Dictionary(grouping: files, by: \.version)
        if let (version, clash) = byVersion.first(where: { $0.value.count > 1 }) {
            throw MigrationError.duplicateVersion(version, clash.map(\.fileName).sorted())
        }
    }
}
