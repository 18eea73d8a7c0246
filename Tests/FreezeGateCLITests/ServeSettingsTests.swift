import ArgumentParser
import Foundation
import Gate
import Gateway
import Logging
import NIOCore
import Proxy
import TestSupport
import Testing

@testable import FreezeGateCLI

/// Precedence flags > environment > config file > defaults, checked on `ServeCommand.settings`.
@Suite struct ServeSettingsTests {
    /// Files the tests write, removed with the folder when the test ends.
    let scratch: TemporaryDirectory

    init() throws {
        self.scratch = try TemporaryDirectory(prefix: "freezegate-serve-settings")
    }

    static let database = ["--database-url", "postgresql://gw:secret@db/crm"]

    func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeSettings {
        try ServeCommand.parse(arguments).settings(environment: environment)
    }

    func entry(_ settings: ServeSettings, _ key: String) throws -> ConfigurationEntry {
        try #require(settings.entries.first { $0.key == key })
    }

    /// A profile file with base domains and trusted proxies, in the suite's scratch folder.
    func profileFile(_ yaml: String) throws -> String {
        let path = self.scratch.path + "/profile-\(UUID().uuidString).yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsAreTheContractsDefaults() throws {
        let settings = try settings(Self.database + ["--upstream", "http://127.0.0.1:8000"])
        #expect(settings.proxy.listen == (try SocketAddress(ipAddress: "127.0.0.1", port: 8080)))
        #expect(settings.admin == (try SocketAddress(ipAddress: "127.0.0.1", port: 9090)))
        #expect(settings.baseDomains == ["s20.online"])
        #expect(settings.logFormat == .text)
        #expect(settings.logLevel == .info)
        #expect(settings.configPath == nil)
        #expect(try entry(settings, "listen").source == .builtIn)
        #expect(try entry(settings, "upstream").source == .flag("upstream"))
    }

    @Test func environmentFillsWhatFlagsLeaveOut() throws {
        let path = try profileFile("base_domains:\n  - from-file.example\n")
        let settings = try settings(
            [],
            environment: [
                "DATABASE_URL": "host=/run/pg password=secret",
                "FREEZEGATE_UPSTREAM": "http://127.0.0.1:8001",
                "FREEZEGATE_LISTEN": "127.0.0.1:18080",
                "FREEZEGATE_ADMIN_LISTEN": "127.0.0.1:19090",
                "FREEZEGATE_BASE_DOMAINS": "a.example, b.example",
                "FREEZEGATE_CONFIG": path,
                "FREEZEGATE_LOG_FORMAT": "json",
                "FREEZEGATE_LOG_LEVEL": "debug",
            ]
        )
        #expect(
            settings.proxy.upstreamGroups.defaultGroup.servers == [try UpstreamServer(url: "http://127.0.0.1:8001")]
        )
        #expect(settings.proxy.listen == (try SocketAddress(ipAddress: "127.0.0.1", port: 18080)))
        #expect(settings.admin == (try SocketAddress(ipAddress: "127.0.0.1", port: 19090)))
        #expect(settings.baseDomains == ["a.example", "b.example"])
        #expect(settings.baseDomainsOverride == ["a.example", "b.example"])
        #expect(settings.configPath == path)
        #expect(settings.logFormat == .json)
        #expect(settings.logLevel == .debug)
        #expect(try entry(settings, "listen").source == .environment("FREEZEGATE_LISTEN"))
        #expect(try entry(settings, "base_domains").source == .environment("FREEZEGATE_BASE_DOMAINS"))
        #expect(try entry(settings, "database_url").value == .string("host=/run/pg password=****"))
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let settings = try settings(
            Self.database + [
                "--upstream", "http://127.0.0.1:8002", "--listen", "127.0.0.1:28080", "--base-domain", "flag.example",
                "--log-format", "text", "--log-level", "error",
            ],
            environment: [
                "DATABASE_URL": "postgresql://other@h/other",
                "FREEZEGATE_UPSTREAM": "http://127.0.0.1:8001",
                "FREEZEGATE_LISTEN": "127.0.0.1:18080",
                "FREEZEGATE_BASE_DOMAINS": "env.example",
                "FREEZEGATE_LOG_FORMAT": "json",
                "FREEZEGATE_LOG_LEVEL": "debug",
            ]
        )
        #expect(
            settings.proxy.upstreamGroups.defaultGroup.servers == [try UpstreamServer(url: "http://127.0.0.1:8002")]
        )
        #expect(settings.proxy.listen == (try SocketAddress(ipAddress: "127.0.0.1", port: 28080)))
        #expect(settings.baseDomains == ["flag.example"])
        #expect(settings.databaseURL == "postgresql://gw:secret@db/crm")
        #expect(settings.logFormat == .text)
        #expect(settings.logLevel == .error)
    }

    @Test func theConfigFileWinsOverDefaultsOnly() throws {
        let path = try profileFile("base_domains:\n  - from-file.example\ntrusted_proxies:\n  - 10.0.0.0/8\n")
        let fromFile = try settings(Self.database + ["--upstream", "http://127.0.0.1:8000", "--config", path])
        #expect(fromFile.baseDomains == ["from-file.example"])
        #expect(fromFile.baseDomainsOverride == nil)
        #expect(try entry(fromFile, "base_domains").source == .configFile(path))
        #expect(try entry(fromFile, "trusted_proxies").value == .list(["10.0.0.0/8"]))
        let overridden = try settings(
            Self.database + ["--upstream", "http://127.0.0.1:8000", "--config", path],
            environment: ["FREEZEGATE_BASE_DOMAINS": "env.example"]
        )
        #expect(overridden.baseDomains == ["env.example"])
    }

    @Test(arguments: [
        ([String](), [String: String](), "missing --upstream"),
        (["--upstream", "ftp://x"], [:], "--upstream"),
        ([], ["FREEZEGATE_UPSTREAM": "nonsense"], "FREEZEGATE_UPSTREAM"),
        (["--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:99999"], [:], "--listen"),
        (["--upstream", "http://127.0.0.1:1"], ["FREEZEGATE_ADMIN_LISTEN": "nope"], "FREEZEGATE_ADMIN_LISTEN"),
        (["--upstream", "http://127.0.0.1:1"], ["FREEZEGATE_LOG_FORMAT": "xml"], "FREEZEGATE_LOG_FORMAT"),
        (["--upstream", "http://127.0.0.1:1", "--log-level", "loud"], [:], "--log-level"),
        (["--upstream", "http://127.0.0.1:0"], [:], "--upstream"),
        (["--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:9090"], [:], "the default --admin-listen"),
        (
            ["--upstream", "http://127.0.0.1:1", "--admin-listen", "127.0.0.1:9191"],
            ["FREEZEGATE_LISTEN": "0.0.0.0:9191"], "--admin-listen"
        ),
        (["--upstream", "http://127.0.0.1:1"], ["FREEZEGATE_BASE_DOMAINS": "bad domain"], "FREEZEGATE_BASE_DOMAINS"),
        (
            ["--upstream", "http://127.0.0.1:1"], ["FREEZEGATE_CONFIG": "/nonexistent/profile.yaml"],
            "FREEZEGATE_CONFIG"
        ),
    ])
    func aBadValueIsNamedByWhereItCameFrom(arguments: [String], environment: [String: String], named: String) throws {
        let error = #expect(throws: ValidationError.self) {
            try self.settings(Self.database + arguments, environment: environment)
        }
        #expect(error?.message.hasPrefix(named) == true, "\(error?.message ?? "")")
    }

    @Test func printConfigListsEverySettingWithItsSourceAndMasksThePassword() throws {
        let settings = try settings(
            Self.database + ["--upstream", "http://127.0.0.1:8000"],
            environment: ["FREEZEGATE_LOG_LEVEL": "warning"]
        )
        let yaml = EffectiveConfiguration.yaml(settings.entries)
        #expect(!yaml.contains("secret"))
        #expect(yaml.contains("database_url: \"postgresql://gw:****@db/crm\"  # flag --database-url\n"))
        #expect(yaml.contains("listen: \"127.0.0.1:8080\"  # default\n"))
        #expect(yaml.contains("admin_listen: \"127.0.0.1:9090\"  # default\n"))
        #expect(yaml.contains("base_domains: [\"s20.online\"]  # default\n"))
        #expect(yaml.contains("log_level: \"warning\"  # environment FREEZEGATE_LOG_LEVEL\n"))
        #expect(yaml.contains("config: null  # default\n"))
        #expect(yaml.contains("drain_timeout: 20.0  # default\n"))
    }

    @Test func upstreamIsRepeatableFromFlagsEnvironmentOrTheFile() throws {
        let flags = try settings(
            Self.database + ["--upstream", "http://10.0.0.1:8000", "--upstream", "https://crm-2.internal:8443"]
        )
        #expect(
            flags.proxy.upstreamGroups.defaultGroup.servers == [
                UpstreamServer(endpoint: .name(host: "10.0.0.1", port: 8000)),
                UpstreamServer(endpoint: .name(host: "crm-2.internal", port: 8443), tls: true),
            ]
        )
        #expect(flags.proxy.upstreamTLS != nil)
        #expect(try entry(flags, "upstream").value == .list(["http://10.0.0.1:8000", "https://crm-2.internal:8443"]))

        let environment = try settings(
            Self.database,
            environment: ["FREEZEGATE_UPSTREAM": "http://10.0.0.1:8000, http://10.0.0.2:8000"]
        )
        #expect(
            environment.proxy.upstreamGroups.defaultGroup.servers.map(\.label) == ["10.0.0.1:8000", "10.0.0.2:8000"]
        )
        #expect(try entry(environment, "upstream").source == .environment("FREEZEGATE_UPSTREAM"))

        let path = try profileFile(
            "upstream:\n  - http://10.0.0.1:8000\n  - url: http://10.0.0.2:8000\n    weight: 3\n"
        )
        let file = try settings(Self.database + ["--config", path])
        #expect(file.proxy.upstreamGroups.defaultGroup.servers.map(\.weight) == [1, 3])
        #expect(try entry(file, "upstream").source == .configFile(path))
        // The flag still wins over the file.
        let flagged = try settings(Self.database + ["--config", path, "--upstream", "http://10.0.0.9:8000"])
        #expect(flagged.proxy.upstreamGroups.defaultGroup.servers.map(\.label) == ["10.0.0.9:8000"])
    }

    @Test func printConfigNeedsNoDNS() throws {
        // A name that does not resolve here: settings are read without resolving it.
        let settings = try settings(Self.database + ["--upstream", "http://crm.invalid:8000"])
        let yaml = EffectiveConfiguration.yaml(settings.entries)
        #expect(yaml.contains("upstream: [\"http://crm.invalid:8000\"]  # flag --upstream\n"))
    }

    @Test func passiveHealthSettingsFollowThePrecedence() throws {
        let defaults = try settings(Self.database + ["--upstream", "http://127.0.0.1:1"])
        #expect(defaults.proxy.upstreamHealth == UpstreamHealthPolicy(maxFailures: 3, backoff: .seconds(10)))
        #expect(defaults.proxy.upstreamDNSRefresh == .seconds(30))
        let never = try settings(Self.database + ["--upstream", "http://127.0.0.1:1", "--upstream-dns-refresh", "0"])
        #expect(never.proxy.upstreamDNSRefresh == nil)
        let fromEnvironment = try settings(
            Self.database + ["--upstream", "http://127.0.0.1:1"],
            environment: ["FREEZEGATE_UPSTREAM_DNS_REFRESH": "5"]
        )
        #expect(fromEnvironment.proxy.upstreamDNSRefresh == .seconds(5))
        #expect(
            try entry(fromEnvironment, "upstream_dns_refresh").source == .environment("FREEZEGATE_UPSTREAM_DNS_REFRESH")
        )
        #expect(try entry(defaults, "upstream_max_fails").source == .builtIn)
        let path = try profileFile("upstream_max_fails: 5\nupstream_backoff: 2.5\n")
        let file = try settings(Self.database + ["--upstream", "http://127.0.0.1:1", "--config", path])
        #expect(file.proxy.upstreamHealth.maxFailures == 5)
        #expect(file.proxy.upstreamHealth.backoff == .milliseconds(2500))
        let environment = try settings(
            Self.database + ["--upstream", "http://127.0.0.1:1", "--config", path],
            environment: ["FREEZEGATE_UPSTREAM_MAX_FAILS": "7"]
        )
        #expect(environment.proxy.upstreamHealth.maxFailures == 7)
        #expect(try entry(environment, "upstream_max_fails").source == .environment("FREEZEGATE_UPSTREAM_MAX_FAILS"))
        let flag = try settings(
            Self.database + [
                "--upstream", "http://127.0.0.1:1", "--upstream-max-fails", "1", "--upstream-backoff", "30",
            ],
            environment: ["FREEZEGATE_UPSTREAM_MAX_FAILS": "7"]
        )
        #expect(flag.proxy.upstreamHealth == UpstreamHealthPolicy(maxFailures: 1, backoff: .seconds(30)))
        let zero = #expect(throws: ValidationError.self) {
            try self.settings(Self.database + ["--upstream", "http://127.0.0.1:1", "--upstream-max-fails", "0"])
        }
        #expect(zero?.message.hasPrefix("--upstream-max-fails") == true)
    }

    @Test func profileGroupsBecomeUpstreamGroups() throws {
        let path = try profileFile(
            """
            upstream_groups:
              s21:
                policy: tenant_hash
                servers:
                  - url: http://10.0.1.1:8000
                    weight: 2
                  - http://10.0.1.2:8000
            upstream_routes:
              s21.online: s21
            upstream_health_check:
              path: /healthz
              interval: 3

            """
        )
        let settings = try settings(Self.database + ["--upstream", "http://127.0.0.1:1", "--config", path])
        let group = try #require(settings.proxy.upstreamGroups.named["s21"])
        #expect(group.policy == .tenantHash)
        #expect(group.servers.map(\.label) == ["10.0.1.1:8000", "10.0.1.2:8000"])
        #expect(group.servers.map(\.weight) == [2, 1])
        #expect(settings.profile.upstreamRoutes == ["s21.online": "s21"])
        #expect(settings.proxy.upstreamHealthCheck?.path == "/healthz")
        #expect(settings.proxy.upstreamHealthCheck?.interval == .seconds(3))
        #expect(
            try entry(settings, "upstream_health_check").value
                == .string("GET /healthz every 3.0 s, timeout 2.0 s, up after 2, down after 3")
        )
    }

    /// Every setting may live in the config file; relative file names there are relative to the
    /// file's folder; the environment and flags still win over it.
    @Test func theConfigFileMayHoldEverySetting() throws {
        let folder = try TemporaryDirectory()
        let authority = try TestCertificateAuthority()
        let issued = try authority.issue(dnsNames: ["*.s20.online"])
        try TestCertificateAuthority.write(issued.certificatePEM, to: folder.path + "/site.crt")
        try TestCertificateAuthority.write(issued.keyPEM, to: folder.path + "/site.key")
        let path = folder.path + "/profile.yaml"
        try """
        database_url: postgresql://gw:secret@db/crm
        upstream: [http://127.0.0.1:8000]
        listen: 127.0.0.1:18081
        admin_listen: 127.0.0.1:19091
        tls_listen: 127.0.0.1:18443
        tls_cert: [site.crt]
        tls_key: [site.key]
        hsts_max_age: 600
        trusted_proxies: [10.0.0.0/8]
        proxy_protocol: true
        access_log: logs/access.log
        access_log_format: json
        log_level: warning
        max_connections: 700
        drain_timeout: 5
        max_header_count: 50
        threads: 3

        """.write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try self.settings(["--config", path])
        #expect(settings.databaseURL == "postgresql://gw:secret@db/crm")
        #expect(settings.proxy.listen == (try SocketAddress(ipAddress: "127.0.0.1", port: 18081)))
        #expect(settings.admin == (try SocketAddress(ipAddress: "127.0.0.1", port: 19091)))
        #expect(settings.proxy.tls?.address == (try SocketAddress(ipAddress: "127.0.0.1", port: 18443)))
        #expect(settings.proxy.tls?.hstsMaxAge == 600)
        #expect(settings.tlsSources.pairs.map(\.certificate) == [folder.path + "/site.crt"])
        #expect(settings.proxy.proxyProtocol)
        #expect(settings.accessLog == .file(folder.path + "/logs/access.log"))
        #expect(settings.accessLogFormat == .json)
        #expect(settings.logLevel == .warning)
        #expect(settings.proxy.maxConnections == 700)
        #expect(settings.proxy.timeouts.drain == .seconds(5))
        #expect(settings.proxy.limits.maxHeaderCount == 50)
        #expect(settings.threads == 3)
        #expect(try entry(settings, "access_log").source == .configFile(path))
        #expect(try entry(settings, "proxy_protocol").value == .boolean(true))
        #expect(EffectiveConfiguration.yaml(settings.entries).contains("proxy_protocol: true  # config file \(path)\n"))
        #expect(try entry(settings, "database_url").value == .string("postgresql://gw:****@db/crm"))

        let overridden = try self.settings(
            ["--config", path, "--max-connections", "9"],
            environment: ["FREEZEGATE_ACCESS_LOG": "off", "FREEZEGATE_MAX_CONNECTIONS": "8"]
        )
        #expect(overridden.accessLog == .off)
        #expect(overridden.proxy.maxConnections == 9)
        #expect(try entry(overridden, "access_log").source == .environment("FREEZEGATE_ACCESS_LOG"))
        #expect(try entry(overridden, "max_connections").source == .flag("max-connections"))
        // A toggle the file turned on, turned off on the command line.
        let off = try self.settings(["--config", path, "--proxy-protocol=false"])
        #expect(!off.proxy.proxyProtocol)
        #expect(try entry(off, "proxy_protocol").source == .flag("proxy-protocol"))
        let bad = #expect(throws: ValidationError.self) {
            try self.settings(["--config", path, "--proxy-protocol=maybe"])
        }
        #expect(bad?.message == "--proxy-protocol: 'maybe' is not true or false")
    }

    @Test func aBadValueInTheConfigFileIsNamedByFileLineAndKey() throws {
        let path = try profileFile("upstream: [http://127.0.0.1:8000]\nmax_connections: lots\n")
        let error = #expect(throws: ValidationError.self) { try self.settings(Self.database + ["--config", path]) }
        #expect(error?.message == "\(path):2: max_connections: 'lots' is not a whole number")
        let listed = try profileFile("upstream: [http://127.0.0.1:8000]\nlisten: [127.0.0.1:1, 127.0.0.1:2]\n")
        let list = #expect(throws: ValidationError.self) { try self.settings(Self.database + ["--config", listed]) }
        #expect(list?.message == "\(listed):2: listen: must be one value, not a list")
        let unknown = try profileFile("upstream: [http://127.0.0.1:8000]\nlisen: 127.0.0.1:1\n")
        let misspelt = #expect(throws: ValidationError.self) {
            try self.settings(Self.database + ["--config", unknown])
        }
        #expect(misspelt?.message.contains("unknown key 'lisen'") == true)
    }

    /// `--print-config` names every declared setting; `serve --help` names each one's variable and
    /// config key.
    @Test func everySettingIsPrintedAndExplained() throws {
        let settings = try settings(Self.database + ["--upstream", "http://127.0.0.1:8000"])
        #expect(settings.entries.prefix(ServeSettingCatalog.all.count).map(\.key) == ServeSettingCatalog.all.map(\.key))
        // The listing is wrapped to 80 columns: compare with every run of white space as one space.
        let help = ServeCommand.helpMessage(columns: 80).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for setting in ServeSettingCatalog.all {
            #expect(help.contains("\(setting.usage) "), "\(setting.flag)")
            #expect(help.contains("env \(setting.environment)"), "\(setting.environment)")
            if setting.inFile { #expect(help.contains("config key \(setting.key);"), "\(setting.key)") }
        }
    }

    /// Every variable is `FREEZEGATE_` and its flag in upper case with `_`.
    @Test func everyVariableIsNamedAfterItsFlag() {
        for setting in ServeSettingCatalog.all {
            #expect(
                setting.environment == "FREEZEGATE_"
                    + setting.flag.uppercased().replacingOccurrences(of: "-", with: "_"),
                "\(setting.key)"
            )
        }
        #expect(ServeSettingCatalog.baseDomains.environment == "FREEZEGATE_BASE_DOMAIN")
        #expect(ServeSettingCatalog.baseDomains.key == "base_domains")
        let help = ServeCommand.helpMessage(columns: 80).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--base-domain DOMAIN Tenant base domain (repeatable) (env FREEZEGATE_BASE_DOMAIN,"))
    }

    /// `FREEZEGATE_DATABASE_URL`, like every variable, else `DATABASE_URL` (no conflict when both
    /// are set: the program's own name wins); the flag wins over both.
    @Test func theDatabaseVariableFollowsTheFlagAndFallsBackOnLibpqsName() throws {
        let upstream = ["--upstream", "http://127.0.0.1:8000"]
        let own = try settings(
            upstream,
            environment: [
                "FREEZEGATE_DATABASE_URL": "postgresql://own@h/crm", "DATABASE_URL": "postgresql://other@h/x",
            ]
        )
        #expect(own.databaseURL == "postgresql://own@h/crm")
        #expect(try entry(own, "database_url").source == .environment("FREEZEGATE_DATABASE_URL"))
        let libpqs = try settings(upstream, environment: ["DATABASE_URL": "postgresql://other@h/x"])
        #expect(libpqs.databaseURL == "postgresql://other@h/x")
        #expect(try entry(libpqs, "database_url").source == .environment("DATABASE_URL"))
        let flag = try settings(
            upstream + ["--database-url", "postgresql://flag@h/crm"],
            environment: ["FREEZEGATE_DATABASE_URL": "postgresql://own@h/crm"]
        )
        #expect(flag.databaseURL == "postgresql://flag@h/crm")
        let bad = #expect(throws: ValidationError.self) {
            try self.settings(upstream, environment: ["FREEZEGATE_DATABASE_URL": "postgresql://[bad"])
        }
        #expect(bad?.message.hasPrefix("FREEZEGATE_DATABASE_URL: invalid connection string: ") == true)
        let missing = #expect(throws: ValidationError.self) { try self.settings(upstream) }
        #expect(
            missing?.message == "missing --database-url (and neither FREEZEGATE_DATABASE_URL nor DATABASE_URL is set)"
        )
        #expect(
            try DatabaseURL.resolve(
                flag: nil,
                environment: ["FREEZEGATE_DATABASE_URL": "host=a", "DATABASE_URL": "host=b"]
            ) == "host=a"
        )
        #expect(
            try DatabaseURL.resolve(flag: nil, environment: ["FREEZEGATE_DATABASE_URL": "", "DATABASE_URL": "host=b"])
                == "host=b"
        )
        #expect(try DatabaseURL.resolve(flag: "host=c", environment: ["FREEZEGATE_DATABASE_URL": "host=a"]) == "host=c")
    }

    /// `FREEZEGATE_BASE_DOMAIN`, like the flag; the older `FREEZEGATE_BASE_DOMAINS` is still read;
    /// both set must agree; the flag wins over both.
    @Test func theBaseDomainVariableFollowsTheFlagAndKeepsItsOlderName() throws {
        let upstream = Self.database + ["--upstream", "http://127.0.0.1:8000"]
        let singular = try settings(upstream, environment: ["FREEZEGATE_BASE_DOMAIN": "a.example, b.example"])
        #expect(singular.baseDomains == ["a.example", "b.example"])
        #expect(singular.baseDomainsOverride == ["a.example", "b.example"])
        #expect(try entry(singular, "base_domains").source == .environment("FREEZEGATE_BASE_DOMAIN"))

        let older = try settings(upstream, environment: ["FREEZEGATE_BASE_DOMAINS": "old.example"])
        #expect(older.baseDomains == ["old.example"])
        #expect(try entry(older, "base_domains").source == .environment("FREEZEGATE_BASE_DOMAINS"))

        let agreeing = try settings(
            upstream,
            environment: [
                "FREEZEGATE_BASE_DOMAIN": "a.example,b.example", "FREEZEGATE_BASE_DOMAINS": "a.example, b.example",
            ]
        )
        #expect(agreeing.baseDomains == ["a.example", "b.example"])
        #expect(try entry(agreeing, "base_domains").source == .environment("FREEZEGATE_BASE_DOMAIN"))

        let disagreeing = #expect(throws: ValidationError.self) {
            try self.settings(
                upstream,
                environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "old.example"]
            )
        }
        #expect(
            disagreeing?.message
                == "FREEZEGATE_BASE_DOMAIN and FREEZEGATE_BASE_DOMAINS are both set, to different values; "
                + "set only FREEZEGATE_BASE_DOMAIN"
        )

        let flagged = try settings(
            upstream + ["--base-domain", "flag.example"],
            environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "old.example"]
        )
        #expect(flagged.baseDomains == ["flag.example"])

        let bad = #expect(throws: ValidationError.self) {
            try self.settings(upstream, environment: ["FREEZEGATE_BASE_DOMAIN": "bad domain"])
        }
        #expect(bad?.message.hasPrefix("FREEZEGATE_BASE_DOMAIN: ") == true, "\(bad?.message ?? "")")
        // The config file's key stays the profile's `base_domains`.
        let path = try profileFile("base_domains:\n  - from-file.example\n")
        let file = try settings(upstream + ["--config", path], environment: ["FREEZEGATE_BASE_DOMAIN": "env.example"])
        #expect(file.baseDomains == ["env.example"])
    }

    /// A connection string libpq cannot read is a bad value, named by where it came from; the
    /// gateway would otherwise wait for its database forever.
    @Test(arguments: [
        "postgresql://[bad", "host=/tmp port=notaport bogus_key=1", "not a url at all", "host=/tmp port=notaport",
        "postgresql://db:70000/crm", "postgresql://db/crm?bogus=1", "host='unterminated",
    ])
    func anUnreadableDatabaseURLIsABadValue(url: String) throws {
        let upstream = ["--upstream", "http://127.0.0.1:8000"]
        let flag = #expect(throws: ValidationError.self) { try self.settings(upstream + ["--database-url", url]) }
        #expect(
            flag?.message.hasPrefix("--database-url: invalid connection string: ") == true,
            "\(flag?.message ?? "")"
        )
        let environment = #expect(throws: ValidationError.self) {
            try self.settings(upstream, environment: ["DATABASE_URL": url])
        }
        #expect(
            environment?.message.hasPrefix("DATABASE_URL: invalid connection string: ") == true,
            "\(environment?.message ?? "")"
        )
        let path = try profileFile(
            "upstream: [http://127.0.0.1:8000]\ndatabase_url: '\(url.replacingOccurrences(of: "'", with: "''"))'\n"
        )
        let file = #expect(throws: ValidationError.self) { try self.settings(["--config", path]) }
        #expect(
            file?.message.hasPrefix("\(path):2: database_url: invalid connection string: ") == true,
            "\(file?.message ?? "")"
        )
    }

    @Test func theDatabaseURLsErrorShowsNoPassword() throws {
        for url in [
            "postgresql://gw:hunter2@[bad", "postgresql://gw:hunter2%zz@db/crm",
            "postgresql://gw@db/crm?password=hunter2%",
            "password=hunter2 bogus_key=1",
        ] {
            let error = #expect(throws: ValidationError.self) {
                try self.settings(["--upstream", "http://127.0.0.1:8000", "--database-url", url])
            }
            #expect(error?.message.hasPrefix("--database-url: invalid connection string: ") == true, "\(url)")
            #expect(error?.message.contains("hunter2") == false, "\(error?.message ?? "")")
        }
        #expect(
            DatabaseURL.masked(
                #"end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://gw:hunter2@[bad""#,
                of: "postgresql://gw:hunter2@[bad"
            )
                == #"end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://gw:****@[bad""#
        )
    }

    /// Valid strings are accepted without any connection: an unreachable database is waited for.
    @Test(arguments: [
        "postgresql://nobody@/none?host=/nonexistent", "host=db.invalid port=5432 dbname=crm", "dbname=crm",
        "postgresql://gw@db1:5432,db2:/crm?target_session_attrs=read-write", "host=a,b port=5432,",
        "postgres://gw:secret@db/crm?sslmode=require&connect_timeout=3",
    ])
    func aValidDatabaseURLIsAccepted(url: String) throws {
        let settings = try settings(["--upstream", "http://127.0.0.1:8000", "--database-url", url])
        #expect(settings.databaseURL == url)
    }
}
