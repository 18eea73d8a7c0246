import ArgumentParser
import Foundation
import Gate
import Gateway
import Logging
import NIOCore
import NIOPosix
import Proxy
import ServiceLifecycle

/// `freezegate serve`: runs the gateway until SIGTERM or SIGINT (docs/CONFIGURATION.md).
///
/// Settings come from flags, then the environment (`FREEZEGATE_*`, `DATABASE_URL`), then the
/// `--config` profile file, then the built-in defaults (docs/CONFIGURATION.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Runs the gateway until SIGTERM or SIGINT, then drains and exits 0.",
        discussion: """
            Precedence: flags > environment (FREEZEGATE_LISTEN, FREEZEGATE_ADMIN_LISTEN, FREEZEGATE_UPSTREAM,
            FREEZEGATE_UPSTREAM_MAX_FAILS, FREEZEGATE_UPSTREAM_BACKOFF, FREEZEGATE_UPSTREAM_DNS_REFRESH,
            FREEZEGATE_BASE_DOMAINS, FREEZEGATE_CONFIG, FREEZEGATE_LOG_FORMAT, FREEZEGATE_LOG_LEVEL,
            FREEZEGATE_ACCESS_LOG, FREEZEGATE_ACCESS_LOG_FORMAT, DATABASE_URL) > config file > defaults.
            SIGHUP reloads the profile from --config; SIGUSR1 reopens the --access-log file.
            Several --upstream servers form the default group (round robin); named groups, their policies and
            weights, and the base domains that use them come from the profile (docs/CONFIGURATION.md).
            """
    )

    @Option(name: .customLong("database-url"), help: "libpq connection string or URL (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(
        help: """
            An upstream server of the default group, http://HOST[:PORT] or https://HOST[:PORT] (repeatable; \
            env FREEZEGATE_UPSTREAM, comma-separated; config key upstream). Names are resolved when serving starts.
            """
    )
    var upstream: [String] = []

    @Option(
        name: .customLong("upstream-max-fails"),
        help:
            "Consecutive connect failures or resets that take a server out (env FREEZEGATE_UPSTREAM_MAX_FAILS; config key upstream_max_fails; default 3)."
    )
    var upstreamMaxFails: Int?

    @Option(
        name: .customLong("upstream-backoff"),
        help:
            "Seconds a server stays out before one request tries it again, doubled per failed try up to 8 times (env FREEZEGATE_UPSTREAM_BACKOFF; config key upstream_backoff; default 10)."
    )
    var upstreamBackoff: Double?

    @Option(
        name: .customLong("upstream-dns-refresh"),
        help:
            "Seconds between resolutions of upstream names, every address used; 0: at start only (env FREEZEGATE_UPSTREAM_DNS_REFRESH; config key upstream_dns_refresh; default 30)."
    )
    var upstreamDNSRefresh: Double?

    @Option(
        name: .customLong("upstream-ca"),
        help: "PEM trust anchors for an https upstream (env FREEZEGATE_UPSTREAM_CA; default: the system trust store)."
    )
    var upstreamCA: String?

    @Option(
        name: .customLong("upstream-client-cert"),
        help:
            "PEM client certificate (chain may follow) for mutual TLS to an https upstream (env FREEZEGATE_UPSTREAM_CLIENT_CERT)."
    )
    var upstreamClientCertificate: String?

    @Option(
        name: .customLong("upstream-client-key"),
        help: "PEM private key of --upstream-client-cert (env FREEZEGATE_UPSTREAM_CLIENT_KEY)."
    )
    var upstreamClientKey: String?

    @Option(help: "Where clients connect, HOST:PORT (env FREEZEGATE_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    @Option(
        name: .customLong("admin-listen"),
        help:
            "Admin listener (/healthz, /readyz, /metrics), HOST:PORT (env FREEZEGATE_ADMIN_LISTEN; default 127.0.0.1:9090)."
    )
    var adminListen: String?

    @Option(
        name: .customLong("base-domain"),
        help: "Tenant base domain (repeatable; env FREEZEGATE_BASE_DOMAINS, comma-separated; default s20.online)."
    )
    var baseDomains: [String] = []

    @Option(help: "Routing profile and policy file; flags win over it (env FREEZEGATE_CONFIG). Reloaded on SIGHUP.")
    var config: String?

    @Option(name: .customLong("trusted-proxy"), help: "CIDR of a proxy whose X-Forwarded-* are kept (repeatable).")
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("tls-listen"),
        help:
            "HTTPS listener, HOST:PORT (env FREEZEGATE_TLS_LISTEN). Without --listen (or FREEZEGATE_LISTEN) only this listener runs."
    )
    var tlsListen: String?

    @Option(
        name: .customLong("tls-cert"),
        help:
            "PEM certificate, its chain may follow (repeatable, paired in order with --tls-key; env FREEZEGATE_TLS_CERT, comma-separated)."
    )
    var tlsCertificates: [String] = []

    @Option(
        name: .customLong("tls-key"),
        help: "PEM private key of the --tls-cert at the same position (env FREEZEGATE_TLS_KEY, comma-separated)."
    )
    var tlsKeys: [String] = []

    @Option(
        name: .customLong("tls-cert-dir"),
        help: "Directory of NAME.pem (chain and key) or NAME.crt + NAME.key files (env FREEZEGATE_TLS_CERT_DIR)."
    )
    var tlsCertificateDirectory: String?

    @Flag(
        name: .customLong("proxy-protocol"),
        help:
            "Client listeners expect a PROXY protocol v1/v2 header, from --trusted-proxy addresses only (env FREEZEGATE_PROXY_PROTOCOL=true)."
    )
    var proxyProtocol = false

    @Option(
        name: .customLong("hsts-max-age"),
        help: "Seconds of Strict-Transport-Security on responses over TLS (env FREEZEGATE_HSTS_MAX_AGE; default: none)."
    )
    var hstsMaxAge: Int?

    @Option(
        name: .customLong("client-header-timeout"),
        help: "Seconds to receive a request head (408 after; default 10)."
    )
    var clientHeaderTimeout: Double?

    @Option(
        name: .customLong("client-idle-timeout"),
        help: "Seconds an idle keep-alive client connection stays open (default 75)."
    )
    var clientIdleTimeout: Double?

    @Option(
        name: .customLong("upstream-connect-timeout"),
        help: "Seconds to connect to the upstream (502 after; default 5)."
    )
    var upstreamConnectTimeout: Double?

    @Option(
        name: .customLong("upstream-response-timeout"),
        help: "Seconds to the upstream's response head (504 after; default 60)."
    )
    var upstreamResponseTimeout: Double?

    @Option(
        name: .customLong("upstream-idle-timeout"),
        help: "Seconds an idle pooled upstream connection stays open (default 60)."
    )
    var upstreamIdleTimeout: Double?

    @Option(
        name: .customLong("tunnel-idle-timeout"),
        help: "Seconds a silent WebSocket tunnel stays open (default 300)."
    )
    var tunnelIdleTimeout: Double?

    @Option(name: .customLong("drain-timeout"), help: "Seconds requests in flight may take after SIGTERM (default 20).")
    var drainTimeout: Double?

    @Option(name: .customLong("max-request-line"), help: "Longest request line in bytes (414 above; default 8192).")
    var maxRequestLine: Int?

    @Option(name: .customLong("max-header-bytes"), help: "Largest header section in bytes (431 above; default 65536).")
    var maxHeaderBytes: Int?

    @Option(name: .customLong("max-header-count"), help: "Most header lines (431 above; default 100).")
    var maxHeaderCount: Int?

    @Option(
        name: .customLong("max-upstream-connections"),
        help: "Most upstream connections per event loop (default 512)."
    )
    var maxUpstreamConnections: Int?

    @Option(
        name: .customLong("max-connections"),
        help:
            "Client connections per process; more wait in the listen backlog (env FREEZEGATE_MAX_CONNECTIONS; default: no limit)."
    )
    var maxConnections: Int?

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (env FREEZEGATE_LOG_LEVEL; default info)."
    )
    var logLevel: String?

    @Option(
        name: .customLong("log-format"),
        help: "text (for a terminal) or json (JSON Lines) (env FREEZEGATE_LOG_FORMAT; default text)."
    )
    var logFormat: String?

    @Option(
        name: .customLong("access-log"),
        help:
            "FILE, - (standard output) or off (env FREEZEGATE_ACCESS_LOG; default -). SIGUSR1 reopens FILE (logrotate)."
    )
    var accessLog: String?

    @Option(
        name: .customLong("access-log-format"),
        help:
            "combined (nginx's combined, FreezeGate's fields appended) or json (env FREEZEGATE_ACCESS_LOG_FORMAT; default combined)."
    )
    var accessLogFormat: String?

    @Flag(
        name: .customLong("print-config"),
        help: "Print the effective configuration (password masked) with the source of each value, and exit."
    )
    var printConfig = false

    /// Everything merged and checked; any problem is a one-line `ValidationError` naming the flag,
    /// variable or file.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServeSettings {
        var entries: [ConfigurationEntry] = []
        func fromEnvironment(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        /// Flag, else environment variable, else default; records the entry.
        func pick(
            _ key: String,
            flag: String,
            _ flagValue: String?,
            env: String,
            default fallback: String?
        )
            -> (value: String?, source: ConfigurationSource)
        {
            if let flagValue { return (flagValue, .flag(flag)) }
            if let value = fromEnvironment(env) { return (value, .environment(env)) }
            return (fallback, .builtIn)
        }
        func check(_ origin: ConfigurationSource, _ body: () throws -> SocketAddress) throws -> SocketAddress {
            do { return try body() } catch { throw ValidationError("\(Self.name(origin)): \(error)") }
        }

        // The HTTPS listener, and the plain one (its default only when no HTTPS listener is asked
        // for without it: `--tls-listen` alone runs the HTTPS listener alone).
        let tlsListenPick = pick(
            "tls_listen",
            flag: "tls-listen",
            self.tlsListen,
            env: "FREEZEGATE_TLS_LISTEN",
            default: nil
        )
        let listenPick = pick(
            "listen",
            flag: "listen",
            self.listen,
            env: "FREEZEGATE_LISTEN",
            default: tlsListenPick.value == nil ? ServeDefaults.listen : nil
        )
        let listenText = listenPick.value
        let listen = try listenText.map { text in
            try check(listenPick.source) {
                let (host, port) = try EndpointParser.hostAndPort(text)
                return try EndpointParser.resolve(host: host, port: port)
            }
        }
        var tls: TLSListenerConfiguration?
        var tlsSources = TLSCertificateSources(pairs: [], directory: nil)
        let certificateFiles =
            !self.tlsCertificates.isEmpty ? self.tlsCertificates : Self.list(fromEnvironment("FREEZEGATE_TLS_CERT"))
        let keyFiles = !self.tlsKeys.isEmpty ? self.tlsKeys : Self.list(fromEnvironment("FREEZEGATE_TLS_KEY"))
        let certificateDirectory = self.tlsCertificateDirectory ?? fromEnvironment("FREEZEGATE_TLS_CERT_DIR")
        var hstsMaxAge = self.hstsMaxAge
        if hstsMaxAge == nil, let text = fromEnvironment("FREEZEGATE_HSTS_MAX_AGE") {
            guard let value = Int(text) else {
                throw ValidationError("FREEZEGATE_HSTS_MAX_AGE: '\(text)' is not a number")
            }
            hstsMaxAge = value
        }
        if let hstsMaxAge, hstsMaxAge < 0 { throw ValidationError("--hsts-max-age: must not be negative") }
        if let tlsListenText = tlsListenPick.value {
            let address = try check(tlsListenPick.source) {
                let (host, port) = try EndpointParser.hostAndPort(tlsListenText)
                return try EndpointParser.resolve(host: host, port: port)
            }
            guard certificateFiles.count == keyFiles.count else {
                throw ValidationError(
                    "--tls-cert and --tls-key come in pairs: \(certificateFiles.count) certificate(s), \(keyFiles.count) key(s)"
                )
            }
            tlsSources = TLSCertificateSources(
                pairs: Array(zip(certificateFiles, keyFiles)).map { (certificate: $0.0, key: $0.1) },
                directory: certificateDirectory
            )
            do {
                let certificates = try tlsSources.load()
                tls = TLSListenerConfiguration(
                    address: address,
                    context: try TLSServerContext(certificates: certificates),
                    hstsMaxAge: hstsMaxAge
                )
            } catch let error as TLSCertificateError {
                throw ValidationError("\(error)")
            } catch {
                throw ValidationError("--tls-listen: the TLS context cannot be built: \(error)")
            }
        } else if !certificateFiles.isEmpty || !keyFiles.isEmpty || certificateDirectory != nil {
            throw ValidationError("--tls-cert, --tls-key and --tls-cert-dir need --tls-listen")
        }
        let adminPick = pick(
            "admin_listen",
            flag: "admin-listen",
            self.adminListen,
            env: "FREEZEGATE_ADMIN_LISTEN",
            default: ServeDefaults.adminListen
        )
        let adminText = adminPick.value ?? ServeDefaults.adminListen
        let admin = try check(adminPick.source) {
            let (host, port) = try EndpointParser.hostAndPort(adminText)
            return try EndpointParser.resolve(host: host, port: port)
        }

        // The database: flag, else DATABASE_URL.
        let databaseURL = try DatabaseURL.resolve(flag: self.databaseURL, environment: environment)
        let databaseSource: ConfigurationSource =
            (self.databaseURL?.isEmpty == false) ? .flag("database-url") : .environment("DATABASE_URL")

        // The profile file: flag, else FREEZEGATE_CONFIG.
        let configPick = pick("config", flag: "config", self.config, env: "FREEZEGATE_CONFIG", default: nil)
        var profile = RouteProfile.alfaCRM
        if let config = configPick.value {
            let origin = Self.name(configPick.source)
            guard FileManager.default.isReadableFile(atPath: config) else {
                throw ValidationError("\(origin): cannot read '\(config)'")
            }
            do {
                profile = try RouteProfile.load(contentsOfFile: config)
            } catch {
                throw ValidationError("\(origin): \(error)")
            }
        }

        // The upstream servers: flags, else FREEZEGATE_UPSTREAM, else the profile's `upstream`.
        let upstreamTexts: [String]
        let upstreamSource: ConfigurationSource
        if !self.upstream.isEmpty {
            upstreamTexts = self.upstream
            upstreamSource = .flag("upstream")
        } else if let text = fromEnvironment("FREEZEGATE_UPSTREAM") {
            upstreamTexts = Self.list(text)
            upstreamSource = .environment("FREEZEGATE_UPSTREAM")
        } else if let servers = profile.upstreams {
            upstreamTexts = servers.map(\.url)
            upstreamSource = .configFile(configPick.value ?? "")
        } else {
            throw ValidationError("missing --upstream (and FREEZEGATE_UPSTREAM is not set)")
        }
        guard !upstreamTexts.isEmpty else { throw ValidationError("\(Self.name(upstreamSource)): no server given") }
        let upstreamGroups: UpstreamGroups
        do {
            var defaultServers: [UpstreamServer] = []
            if case .configFile = upstreamSource {
                defaultServers = try UpstreamProfileSettings.defaultServers(
                    profile: profile,
                    source: configPick.value ?? "profile"
                )
            } else {
                for text in upstreamTexts {
                    do {
                        defaultServers.append(try UpstreamServer(url: text))
                    } catch {
                        throw ValidationError("\(Self.name(upstreamSource)): \(error)")
                    }
                }
            }
            upstreamGroups = try UpstreamProfileSettings.groups(
                defaultServers: defaultServers,
                profile: profile,
                source: configPick.value ?? "profile"
            )
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
        let anyTLS = upstreamGroups.all.contains { $0.servers.contains(where: \.tls) }
        let upstreamCA = self.upstreamCA ?? fromEnvironment("FREEZEGATE_UPSTREAM_CA")
        let clientCertificateFile =
            self.upstreamClientCertificate ?? fromEnvironment("FREEZEGATE_UPSTREAM_CLIENT_CERT")
        let clientKeyFile = self.upstreamClientKey ?? fromEnvironment("FREEZEGATE_UPSTREAM_CLIENT_KEY")
        var upstreamTLS: UpstreamTLS?
        if anyTLS {
            if let upstreamCA, !FileManager.default.isReadableFile(atPath: upstreamCA) {
                throw ValidationError("--upstream-ca: cannot read '\(upstreamCA)'")
            }
            var clientCertificate: TLSCertificate?
            switch (clientCertificateFile, clientKeyFile) {
            case (nil, nil):
                break
            case (let certificateFile?, let keyFile?):
                do {
                    clientCertificate = try TLSCertificateLoader.load(
                        certificateFile: certificateFile,
                        keyFile: keyFile,
                        requireDNSName: false
                    )
                } catch {
                    throw ValidationError("\(error)")
                }
            default:
                throw ValidationError("--upstream-client-cert and --upstream-client-key go together")
            }
            do {
                // Each server by name is verified against its own name (set per server at start).
                upstreamTLS = try UpstreamTLS.make(
                    serverHostname: "",
                    caFile: upstreamCA,
                    clientCertificate: clientCertificate
                )
            } catch {
                throw ValidationError("--upstream-ca: '\(upstreamCA ?? "system trust store")' cannot be used: \(error)")
            }
        } else if upstreamCA != nil || clientCertificateFile != nil || clientKeyFile != nil {
            throw ValidationError("--upstream-ca and --upstream-client-cert/-key need an https:// --upstream")
        }

        // Passive health: flag, else environment, else profile, else default.
        let maxFailsPick = try Self.number(
            self.upstreamMaxFails.map(Double.init),
            flag: "upstream-max-fails",
            env: "FREEZEGATE_UPSTREAM_MAX_FAILS",
            profile: profile.upstreamMaxFails.map(Double.init),
            configPath: configPick.value,
            default: 3,
            environment: fromEnvironment
        )
        guard maxFailsPick.value >= 1, maxFailsPick.value == maxFailsPick.value.rounded(), maxFailsPick.value < 65_536
        else {
            throw ValidationError("\(Self.name(maxFailsPick.source)): must be a whole number from 1 to 65535")
        }
        let backoffPick = try Self.number(
            self.upstreamBackoff,
            flag: "upstream-backoff",
            env: "FREEZEGATE_UPSTREAM_BACKOFF",
            profile: profile.upstreamBackoff,
            configPath: configPick.value,
            default: 10,
            environment: fromEnvironment
        )
        guard backoffPick.value.isFinite, backoffPick.value > 0, backoffPick.value <= 86_400 else {
            throw ValidationError("\(Self.name(backoffPick.source)): must be a number of seconds between 0 and 86400")
        }
        let dnsRefreshPick = try Self.number(
            self.upstreamDNSRefresh,
            flag: "upstream-dns-refresh",
            env: "FREEZEGATE_UPSTREAM_DNS_REFRESH",
            profile: profile.upstreamDNSRefresh,
            configPath: configPick.value,
            default: 30,
            environment: fromEnvironment
        )
        guard dnsRefreshPick.value.isFinite, dnsRefreshPick.value >= 0, dnsRefreshPick.value <= 86_400 else {
            throw ValidationError("\(Self.name(dnsRefreshPick.source)): must be a number of seconds from 0 to 86400")
        }
        let upstreamHealth = UpstreamHealthPolicy(
            maxFailures: Int(maxFailsPick.value),
            backoff: .nanoseconds(Int64(backoffPick.value * 1_000_000_000))
        )

        // Base domains: flags, else FREEZEGATE_BASE_DOMAINS, else the profile, else the default.
        var baseDomainsOverride: [String]?
        let baseDomains: [String]
        let baseDomainsSource: ConfigurationSource
        if !self.baseDomains.isEmpty {
            baseDomainsOverride = self.baseDomains
            baseDomainsSource = .flag("base-domain")
        } else if let text = fromEnvironment("FREEZEGATE_BASE_DOMAINS") {
            baseDomainsOverride = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            baseDomainsSource = .environment("FREEZEGATE_BASE_DOMAINS")
        } else {
            baseDomainsSource = profile.baseDomains == nil ? .builtIn : .configFile(configPick.value ?? "")
        }
        baseDomains = baseDomainsOverride ?? profile.baseDomains ?? ServeDefaults.baseDomains
        if baseDomains.isEmpty {
            throw ValidationError("\(Self.name(baseDomainsSource)): no base domain given")
        }
        for domain in baseDomains {
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard !domain.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
                domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            else { throw ValidationError("\(Self.name(baseDomainsSource)): '\(domain)' is not a domain name") }
        }

        // Trusted proxies: flags, else the profile.
        var trusted: [CIDRBlock] = []
        let trustedTexts = self.trustedProxies.isEmpty ? profile.trustedProxies : self.trustedProxies
        let trustedSource: ConfigurationSource =
            !self.trustedProxies.isEmpty
            ? .flag("trusted-proxy") : (configPick.value != nil ? .configFile(configPick.value ?? "") : .builtIn)
        for text in trustedTexts {
            guard let block = CIDRBlock(text) else {
                let origin =
                    self.trustedProxies.isEmpty ? "\(Self.name(configPick.source)): trusted_proxies" : "--trusted-proxy"
                throw ValidationError("\(origin): '\(text)' is not a CIDR block")
            }
            trusted.append(block)
        }

        // Logging.
        let levelPick = pick(
            "log_level",
            flag: "log-level",
            self.logLevel,
            env: "FREEZEGATE_LOG_LEVEL",
            default: ServeDefaults.logLevel
        )
        let levelText = levelPick.value ?? ServeDefaults.logLevel
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError("\(Self.name(levelPick.source)): '\(levelText)' is not a log level")
        }
        let formatPick = pick(
            "log_format",
            flag: "log-format",
            self.logFormat,
            env: "FREEZEGATE_LOG_FORMAT",
            default: ServeDefaults.logFormat.rawValue
        )
        let formatText = formatPick.value ?? ServeDefaults.logFormat.rawValue
        guard let format = LogFormat(rawValue: formatText.lowercased()) else {
            throw ValidationError("\(Self.name(formatPick.source)): '\(formatText)' is not a log format (text or json)")
        }

        // The access log.
        let accessLogPick = pick(
            "access_log",
            flag: "access-log",
            self.accessLog,
            env: "FREEZEGATE_ACCESS_LOG",
            default: ServeDefaults.accessLog
        )
        let accessLogText = accessLogPick.value ?? ServeDefaults.accessLog
        guard !accessLogText.isEmpty else {
            throw ValidationError("\(Self.name(accessLogPick.source)): empty; give a file, - or off")
        }
        let accessLogDestination = AccessLogDestination(parsing: accessLogText)
        let accessFormatPick = pick(
            "access_log_format",
            flag: "access-log-format",
            self.accessLogFormat,
            env: "FREEZEGATE_ACCESS_LOG_FORMAT",
            default: ServeDefaults.accessLogFormat.rawValue
        )
        let accessFormatText = accessFormatPick.value ?? ServeDefaults.accessLogFormat.rawValue
        guard let accessLogFormat = AccessLogFormat(rawValue: accessFormatText.lowercased()) else {
            throw ValidationError(
                "\(Self.name(accessFormatPick.source)): '\(accessFormatText)' is not an access log format (combined or json)"
            )
        }

        // Timeouts and limits: flags, else defaults.
        func seconds(_ flag: String, _ value: Double?, _ fallback: Double) throws -> TimeAmount {
            let value = value ?? fallback
            guard value.isFinite, value > 0, value <= 86_400 else {
                throw ValidationError("--\(flag): must be a number of seconds between 0 and 86400")
            }
            entries.append(
                ConfigurationEntry(
                    key: flag.replacingOccurrences(of: "-", with: "_"),
                    value: .number(String(value)),
                    source: self.sourceOfFlag(flag, given: valueGiven(flag))
                )
            )
            return .nanoseconds(Int64(value * 1_000_000_000))
        }
        func positive(_ flag: String, _ value: Int?, _ fallback: Int) throws -> Int {
            let value = value ?? fallback
            guard value > 0 else { throw ValidationError("--\(flag): must be positive") }
            entries.append(
                ConfigurationEntry(
                    key: flag.replacingOccurrences(of: "-", with: "_"),
                    value: .number(String(value)),
                    source: self.sourceOfFlag(flag, given: valueGiven(flag))
                )
            )
            return value
        }
        func valueGiven(_ flag: String) -> Bool {
            switch flag {
            case "client-header-timeout": return self.clientHeaderTimeout != nil
            case "client-idle-timeout": return self.clientIdleTimeout != nil
            case "upstream-connect-timeout": return self.upstreamConnectTimeout != nil
            case "upstream-response-timeout": return self.upstreamResponseTimeout != nil
            case "upstream-idle-timeout": return self.upstreamIdleTimeout != nil
            case "tunnel-idle-timeout": return self.tunnelIdleTimeout != nil
            case "drain-timeout": return self.drainTimeout != nil
            case "max-request-line": return self.maxRequestLine != nil
            case "max-header-bytes": return self.maxHeaderBytes != nil
            case "max-header-count": return self.maxHeaderCount != nil
            case "max-upstream-connections": return self.maxUpstreamConnections != nil
            default: return false
            }
        }

        entries += [
            ConfigurationEntry(
                key: "listen",
                value: listenText.map { .string($0) } ?? .none,
                source: listenPick.source
            ),
            ConfigurationEntry(
                key: "tls_listen",
                value: tlsListenPick.value.map { .string($0) } ?? .none,
                source: tlsListenPick.source
            ),
            ConfigurationEntry(
                key: "tls_cert",
                value: .list(certificateFiles),
                source: !self.tlsCertificates.isEmpty
                    ? .flag("tls-cert")
                    : (fromEnvironment("FREEZEGATE_TLS_CERT") != nil ? .environment("FREEZEGATE_TLS_CERT") : .builtIn)
            ),
            ConfigurationEntry(
                key: "tls_key",
                value: .list(keyFiles),
                source: !self.tlsKeys.isEmpty
                    ? .flag("tls-key")
                    : (fromEnvironment("FREEZEGATE_TLS_KEY") != nil ? .environment("FREEZEGATE_TLS_KEY") : .builtIn)
            ),
            ConfigurationEntry(
                key: "tls_cert_dir",
                value: certificateDirectory.map { .string($0) } ?? .none,
                source: self.tlsCertificateDirectory != nil
                    ? .flag("tls-cert-dir")
                    : (certificateDirectory != nil ? .environment("FREEZEGATE_TLS_CERT_DIR") : .builtIn)
            ),
            ConfigurationEntry(
                key: "hsts_max_age",
                value: hstsMaxAge.map { .number(String($0)) } ?? .none,
                source: self.hstsMaxAge != nil
                    ? .flag("hsts-max-age") : (hstsMaxAge != nil ? .environment("FREEZEGATE_HSTS_MAX_AGE") : .builtIn)
            ),
            ConfigurationEntry(key: "admin_listen", value: .string(adminText), source: adminPick.source),
            ConfigurationEntry(key: "upstream", value: .list(upstreamTexts), source: upstreamSource),
            ConfigurationEntry(
                key: "upstream_max_fails",
                value: .number(String(Int(maxFailsPick.value))),
                source: maxFailsPick.source
            ),
            ConfigurationEntry(
                key: "upstream_dns_refresh",
                value: .number(String(dnsRefreshPick.value)),
                source: dnsRefreshPick.source
            ),
            ConfigurationEntry(
                key: "upstream_health_check",
                value: profile.upstreamHealthCheck.map { check in
                    .string(
                        "GET \(check.path) every \(check.interval) s, timeout \(check.timeout) s, "
                            + "up after \(check.healthyThreshold), down after \(check.unhealthyThreshold)"
                    )
                } ?? .none,
                source: profile.upstreamHealthCheck == nil ? .builtIn : .configFile(configPick.value ?? "")
            ),
            ConfigurationEntry(
                key: "upstream_backoff",
                value: .number(String(backoffPick.value)),
                source: backoffPick.source
            ),
            ConfigurationEntry(
                key: "database_url",
                value: .string(SecretMasking.maskDatabaseURL(databaseURL)),
                source: databaseSource
            ),
            ConfigurationEntry(
                key: "config",
                value: configPick.value.map { .string($0) } ?? .none,
                source: configPick.source
            ),
            ConfigurationEntry(key: "base_domains", value: .list(baseDomains), source: baseDomainsSource),
            ConfigurationEntry(key: "trusted_proxies", value: .list(trustedTexts), source: trustedSource),
            ConfigurationEntry(key: "log_level", value: .string(level.rawValue), source: levelPick.source),
            ConfigurationEntry(key: "log_format", value: .string(format.rawValue), source: formatPick.source),
            ConfigurationEntry(key: "access_log", value: .string(accessLogText), source: accessLogPick.source),
            ConfigurationEntry(
                key: "access_log_format",
                value: .string(accessLogFormat.rawValue),
                source: accessFormatPick.source
            ),
        ]
        let timeouts = ProxyTimeouts(
            clientHeaderRead: try seconds("client-header-timeout", self.clientHeaderTimeout, 10),
            clientIdle: try seconds("client-idle-timeout", self.clientIdleTimeout, 75),
            upstreamConnect: try seconds("upstream-connect-timeout", self.upstreamConnectTimeout, 5),
            upstreamResponseHead: try seconds("upstream-response-timeout", self.upstreamResponseTimeout, 60),
            upstreamIdle: try seconds("upstream-idle-timeout", self.upstreamIdleTimeout, 60),
            tunnelIdle: try seconds("tunnel-idle-timeout", self.tunnelIdleTimeout, 300),
            drain: try seconds("drain-timeout", self.drainTimeout, 20)
        )
        let limits = RequestLimits(
            maxRequestLineBytes: try positive("max-request-line", self.maxRequestLine, 8 * 1024),
            maxHeaderBytes: try positive("max-header-bytes", self.maxHeaderBytes, 64 * 1024),
            maxHeaderCount: try positive("max-header-count", self.maxHeaderCount, 100)
        )
        let maxUpstream = try positive("max-upstream-connections", self.maxUpstreamConnections, 512)
        if let threads = self.threads, threads <= 0 { throw ValidationError("--threads: must be positive") }
        entries.append(
            ConfigurationEntry(
                key: "threads",
                value: .number(String(self.threads ?? System.coreCount)),
                source: self.threads == nil ? .builtIn : .flag("threads")
            )
        )
        let proxyProtocolText = fromEnvironment("FREEZEGATE_PROXY_PROTOCOL")?.lowercased()
        if let proxyProtocolText, !["true", "false", "1", "0", "yes", "no"].contains(proxyProtocolText) {
            throw ValidationError("FREEZEGATE_PROXY_PROTOCOL: '\(proxyProtocolText)' is not true or false")
        }
        let proxyProtocol = self.proxyProtocol || ["true", "1", "yes"].contains(proxyProtocolText ?? "")
        if proxyProtocol && trusted.isEmpty {
            throw ValidationError(
                "--proxy-protocol: no --trusted-proxy given, so every connection would be refused"
            )
        }
        entries.append(
            ConfigurationEntry(
                key: "proxy_protocol",
                value: .string(proxyProtocol ? "true" : "false"),
                source: self.proxyProtocol
                    ? .flag("proxy-protocol")
                    : (proxyProtocolText != nil ? .environment("FREEZEGATE_PROXY_PROTOCOL") : .builtIn)
            )
        )
        var configuration = ProxyConfiguration(
            listen: listen,
            tls: tls,
            upstreamGroups: upstreamGroups,
            timeouts: timeouts,
            limits: limits,
            headerPolicy: ForwardingHeaderPolicy(trustedProxies: trusted),
            maxUpstreamConnectionsPerLoop: maxUpstream
        )
        configuration.proxyProtocol = proxyProtocol
        configuration.upstreamTLS = upstreamTLS
        configuration.upstreamHealth = upstreamHealth
        configuration.upstreamDNSRefresh =
            dnsRefreshPick.value > 0 ? .nanoseconds(Int64(dnsRefreshPick.value * 1_000_000_000)) : nil
        configuration.upstreamHealthCheck = profile.upstreamHealthCheck.map(UpstreamProfileSettings.healthCheck)
        entries.append(
            ConfigurationEntry(
                key: "upstream_ca",
                value: upstreamCA.map { .string($0) } ?? .none,
                source: self.upstreamCA != nil
                    ? .flag("upstream-ca") : (upstreamCA != nil ? .environment("FREEZEGATE_UPSTREAM_CA") : .builtIn)
            )
        )
        var maxConnections = self.maxConnections
        if maxConnections == nil, let text = fromEnvironment("FREEZEGATE_MAX_CONNECTIONS") {
            guard let value = Int(text) else {
                throw ValidationError("FREEZEGATE_MAX_CONNECTIONS: '\(text)' is not a number")
            }
            maxConnections = value
        }
        if let maxConnections, maxConnections <= 0 { throw ValidationError("--max-connections: must be positive") }
        configuration.maxConnections = maxConnections
        entries.append(
            ConfigurationEntry(
                key: "max_connections",
                value: maxConnections.map { .number(String($0)) } ?? .none,
                source: self.maxConnections != nil
                    ? .flag("max-connections")
                    : (maxConnections != nil ? .environment("FREEZEGATE_MAX_CONNECTIONS") : .builtIn)
            )
        )
        return ServeSettings(
            proxy: configuration,
            admin: admin,
            logLevel: level,
            logFormat: format,
            accessLog: accessLogDestination,
            accessLogFormat: accessLogFormat,
            tlsSources: tlsSources,
            databaseURL: databaseURL,
            profile: profile,
            baseDomains: baseDomains,
            configPath: configPick.value,
            baseDomainsOverride: baseDomainsOverride,
            entries: entries
        )
    }

    /// A number from the flag, else the environment variable, else the profile, else `fallback`.
    private static func number(
        _ flagValue: Double?,
        flag: String,
        env: String,
        profile: Double?,
        configPath: String?,
        default fallback: Double,
        environment: (String) -> String?
    ) throws -> (value: Double, source: ConfigurationSource) {
        if let flagValue { return (flagValue, .flag(flag)) }
        if let text = environment(env) {
            guard let value = Double(text) else { throw ValidationError("\(env): '\(text)' is not a number") }
            return (value, .environment(env))
        }
        if let profile { return (profile, .configFile(configPath ?? "")) }
        return (fallback, .builtIn)
    }

    /// A comma-separated environment value as a list (nil or empty: none).
    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func sourceOfFlag(_ flag: String, given: Bool) -> ConfigurationSource {
        given ? .flag(flag) : .builtIn
    }

    /// How an error names the origin of a bad value: `--listen`, `FREEZEGATE_LISTEN`, the file.
    private static func name(_ source: ConfigurationSource) -> String {
        switch source {
        case .flag(let flag): return "--\(flag)"
        case .environment(let variable): return variable
        case .configFile(let path): return path
        case .builtIn: return "default"
        }
    }

    func run() async throws {
        // Checked here rather than in `validate()` so that tests can parse flags independently of
        // this process's environment; still before anything listens.
        let settings = try self.settings()
        if self.printConfig {
            print(EffectiveConfiguration.yaml(settings.entries), terminator: "")
            return
        }
        let (proxyConfiguration, adminAddress, level, format) = (
            settings.proxy, settings.admin, settings.logLevel, settings.logFormat
        )
        LoggingSystem.bootstrap { label in format.makeHandler(label: label, level: level) }
        let logger = Logger(label: "freezegate")
        // A closed standard output (the access log's default) must fail a write, not kill us.
        signal(SIGPIPE, SIG_IGN)
        // Two descriptors per forwarded connection: the soft limit (often 1024) goes up to the hard one.
        let descriptors = DescriptorLimit.raiseSoftToHard()
        logger.info("file descriptor limit", metadata: ["soft": "\(descriptors.soft)", "hard": "\(descriptors.hard)"])
        // Timers must not need a new descriptor once descriptors may run out (DispatchTimerClocks).
        await DispatchTimerClocks.prepare()
        var accessLog: AccessLogSink?
        if settings.accessLog != .off {
            do {
                accessLog = try AccessLogSink(
                    destination: settings.accessLog,
                    format: settings.accessLogFormat,
                    logger: logger
                )
            } catch {
                throw ValidationError("--access-log: \(error)")
            }
        }
        let services = GatewayServices.build(
            databaseURL: settings.databaseURL,
            profile: settings.profile,
            baseDomains: settings.baseDomains,
            logger: logger
        )
        var reloadServices: [any Service] = []
        // SIGHUP reloads the profile and the certificates together.
        let profileReloader = settings.configPath.map { path in
            ProfileReloader(
                path: path,
                baseDomainsOverride: settings.baseDomainsOverride,
                store: services.gateStore,
                logger: logger
            )
        }
        let certificateReloader = settings.proxy.tls.map { tls in
            CertificateReloader(sources: settings.tlsSources, context: tls.context, logger: logger)
        }
        reloadServices.append(
            ReloadSignalService {
                if profileReloader == nil && certificateReloader == nil {
                    logger.warning("SIGHUP ignored: no --config file to reload (the built-in profile is in use)")
                }
                profileReloader?.reload()
                certificateReloader?.reload()
            }
        )
        if let accessLog, case .file = accessLog.destination {
            reloadServices.append(ReloadSignalService(signal: SIGUSR1) { accessLog.reopen() })
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threads ?? System.coreCount)
        let proxy = ProxyServer(
            configuration: proxyConfiguration,
            decider: services.decider,
            group: group,
            logger: logger,
            accessLog: accessLog
        )
        let admin = AdminServer(
            address: adminAddress,
            group: group,
            logger: logger,
            readiness: services.readiness,
            metrics: services.metrics
        )
        // Last in the group, so that it hears of SIGTERM before the proxy starts to drain.
        let systemdServices: [any Service] =
            SystemdNotifier().map {
                [SystemdNotificationService(notifier: $0, isReady: services.readiness, logger: logger)]
            }
            ?? []
        do {
            try await proxy.start()
            try await admin.start()
            let serviceGroup = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: (services.backgroundServices + reloadServices).map {
                        ServiceGroupConfiguration.ServiceConfiguration(service: $0)
                    }
                        + [
                            ServiceGroupConfiguration.ServiceConfiguration(service: admin),
                            ServiceGroupConfiguration.ServiceConfiguration(service: proxy),
                        ] + systemdServices.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await serviceGroup.run()
        } catch {
            await proxy.shutdown(drain: .zero)
            admin.stop()
            await accessLog?.close()
            try? await group.shutdownGracefully()
            throw error
        }
        await accessLog?.close()
        try? await group.shutdownGracefully()
    }
}
