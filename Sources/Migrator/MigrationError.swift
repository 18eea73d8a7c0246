/// Why `migrate` stopped. Each case names the file so that the operator knows where to look.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case directoryNotFound(searched: [String])
    case unreadableDirectory(path: String, reason: String)
    case invalidFileName(String)
    case duplicateVersion(Int, [String])
    /// An applied migration's file changed since it was applied.
    case editedAfterApply(fileName: String, recordedChecksum: String, currentChecksum: String)
    /// The file failed; its transaction was rolled back.
    case failed(fileName: String, error: String)

    public var description: String {
        switch self {
        case .directoryNotFound(let searched):
            return "no migrations directory found (looked in: \(searched.joined(separator: ", ")))"
        case .unreadableDirectory(let path, let reason):
            return "cannot read migrations directory \(path): \(reason)"
        case .invalidFileName(let name):
            return "migration file name \(name) is not of the form NNNN_name.sql or R__name.sql"
        case .duplicateVersion(let version, let files):
            return "migration version \(version) is used by several files: \(files.joined(separator: ", "))"
        case .editedAfterApply(let fileName, let recorded, let current):
            return
                "migration \(fileName) was edited after it was applied (recorded checksum \(recorded.prefix(12))…, file now \(current.prefix(12))…); add a new migration instead of editing an applied one"
        case .failed(let fileName, let error):
            return "migration \(fileName) failed and was rolled back: \(error)"
        }
    }
}
