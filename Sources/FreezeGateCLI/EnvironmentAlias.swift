import ArgumentParser
import Gateway

/// Variables also read under an older name. Every variable is `FREEZEGATE_` and its flag in upper
/// case with `_`; `FREEZEGATE_BASE_DOMAINS`, the name `--base-domain`'s variable had before, is
/// still read when `FREEZEGATE_BASE_DOMAIN` is unset. When both are set they must give the same
/// values: otherwise the command stops with an error naming both, rather than pick one silently.
enum EnvironmentAlias {
    /// The older name of a variable, by its name.
    static let olderNames: [String: String] = ["FREEZEGATE_BASE_DOMAIN": "FREEZEGATE_BASE_DOMAINS"]

    /// The values of variable `name`, else of its older name, with the name they came from;
    /// `nil` when neither is set. `read` gives a variable's values, `nil` when it counts as unset.
    static func lookup(
        _ name: String,
        read: (String) throws -> [String]?
    ) throws -> (name: String, values: [String])? {
        let current = try read(name)
        guard let older = self.olderNames[name], let olderValues = try read(older) else {
            return current.map { (name, $0) }
        }
        guard let current else { return (older, olderValues) }
        guard current == olderValues else {
            throw ValidationError("\(name) and \(older) are both set, to different values; set only \(name)")
        }
        return (name, current)
    }
}
