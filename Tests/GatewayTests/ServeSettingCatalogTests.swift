import Foundation
import Gate
import Gateway
import TestSupport
import Testing

/// The declarations of `serve`'s settings: one name of each kind per setting, variables named by
/// the rule, and every declared key accepted in a profile file.
struct ServeSettingCatalogTests {
    @Test func keysFlagsAndVariablesAreEachUsedOnce() {
        let all = ServeSettingCatalog.all
        #expect(Set(all.map(\.key)).count == all.count)
        #expect(Set(all.map(\.flag)).count == all.count)
        #expect(Set(all.map(\.environment)).count == all.count)
    }

    /// FREEZEGATE_ and the flag in upper case with `_`, every one; DATABASE_URL (libpq's habit) is
    /// read when FREEZEGATE_DATABASE_URL is unset. (`--base-domain`'s older FREEZEGATE_BASE_DOMAINS
    /// is still read, by the command.)
    @Test func variablesFollowTheFlagsNames() {
        for setting in ServeSettingCatalog.all {
            #expect(
                setting.environment == "FREEZEGATE_"
                    + setting.flag.uppercased().replacingOccurrences(of: "-", with: "_"),
                "\(setting.key)"
            )
        }
        #expect(ServeSettingCatalog.databaseURL.environment == "FREEZEGATE_DATABASE_URL")
        #expect(ServeSettingCatalog.databaseURL.environmentFallback == "DATABASE_URL")
        #expect(ServeSettingCatalog.all.filter { $0.environmentFallback != nil }.map(\.key) == ["database_url"])
        #expect(ServeSettingCatalog.databaseURL.help.contains("(env FREEZEGATE_DATABASE_URL or DATABASE_URL; "))
        #expect(ServeSettingCatalog.baseDomains.environment == "FREEZEGATE_BASE_DOMAIN")
    }

    @Test func helpNamesTheVariableTheKeyAndTheDefault() {
        #expect(
            ServeSettingCatalog.maxConnections.help
                == "Client connections per process; more wait in the listen backlog "
                + "(env FREEZEGATE_MAX_CONNECTIONS; config key max_connections; default no limit)."
        )
        #expect(
            ServeSettingCatalog.tlsCert.help.contains("(env FREEZEGATE_TLS_CERT, comma-separated; config key tls_cert;")
        )
        #expect(!ServeSettingCatalog.config.help.contains("config key"))
    }

    /// A file may hold every setting but `config`; the ones the profile does not read itself are
    /// kept as written for `serve`.
    @Test func aProfileFileMayHoldEverySetting() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/profile.yaml"
        let readByTheProfile: Set<String> = [
            "upstream", "upstream_max_fails", "upstream_backoff", "upstream_dns_refresh", "base_domains",
            "trusted_proxies",
        ]
        var yaml = ""
        for setting in ServeSettingCatalog.all where setting.inFile && !readByTheProfile.contains(setting.key) {
            yaml += setting.arity == .list ? "\(setting.key): [one, two]\n" : "\(setting.key): \"1\"\n"
        }
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let profile = try RouteProfile.load(contentsOfFile: path)
        #expect(Set(profile.settings.keys) == ServeSettingCatalog.fileKeys.subtracting(readByTheProfile))
        #expect(profile.settings["tls_cert"]?.values == ["one", "two"])
        try "config: other.yaml\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RouteProfileError.self) { try RouteProfile.load(contentsOfFile: path) }
    }

    /// docs/CONFIGURATION.md's table names every setting's flag, variable and key.
    @Test func theConfigurationReferenceListsEverySetting() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let reference = try String(
            contentsOfFile: root.appendingPathComponent("docs/CONFIGURATION.md").path,
            encoding: .utf8
        )
        for setting in ServeSettingCatalog.all {
            #expect(
                reference.contains("--\(setting.flag) ") || reference.contains("--\(setting.flag)`"),
                "\(setting.flag)"
            )
            #expect(reference.contains("`\(setting.environment)"), "\(setting.environment)")
            if setting.inFile { #expect(reference.contains("`\(setting.key)"), "\(setting.key)") }
        }
    }
}
