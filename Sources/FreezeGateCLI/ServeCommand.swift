import ArgumentParser
import Foundation
import Gate
import Gateway
import Logging
import NIOCore
import NIOPosix
import Postgres
import Proxy
import ServiceLifecycle

/// The settings' declarations.
private typealias Setting = ServeSettingCatalog

/// `freezegate serve`: runs the gateway until SIGTERM or SIGINT (docs/CONFIGURATION.md).
///
/// Every setting is declared once in `ServeSettingCatalog`: its flag, environment variable
/// (`FREEZEGATE_*`, `DATABASE_URL` too), key in the `--config` file and default; the precedence is
/// flag > environment > config file > default (`ServeSettingResolver`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Runs the gateway until SIGTERM or SIGINT, then drains and exits 0.",
        usage: "freezegate serve [--print-config] [--SETTING VALUE ...]",
        discussion: """
            Every setting below is a flag, an environment variable and a key of the --config file, in that \
            order of precedence, then its default; --print-config shows where each value came from. \
            SIGHUP reloads the profile from --config and the certificates; SIGUSR1 reopens the --access-log file. \
            Several --upstream servers form the default group (round robin); named groups, their policies and \
            weights, and the base domains that use them come from the profile (docs/CONFIGURATION.md).

            SETTINGS:

            """ + ServeSettingCatalog.helpListing
    )

    @Flag(
        name: .customLong("print-config"),
        help: "Print the effective configuration (password masked) with the source of each value, and exit."
    )
    var printConfig = false

    /// The settings' flags and values as given, read by `ServeArguments` against the catalog
    /// (listed in the discussion above, not by ArgumentParser).
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(visibility: .private))
    var settingArguments: [String] = []

    /// Everything merged and checked; any problem is a one-line `ValidationError` naming the flag,
    /// variable or file (and line) it came from.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServeSettings {
        var flags = try ServeArguments.parse(self.settingArguments)
        // An empty --database-url counts as absent, so the variables apply.
        if flags[Setting.databaseURL.key]?.allSatisfy(\.isEmpty) == true { flags[Setting.databaseURL.key] = nil }
        // The profile file first: it may hold every other setting.
        let configFound = try ServeSettingResolver(flags: flags, environment: environment).find(Setting.config)
        let configPath = configFound?.values.last
        var profile = RouteProfile.alfaCRM
        if let configPath, let configFound {
            guard FileManager.default.isReadableFile(atPath: configPath) else {
                throw ValidationError("\(configFound.origin): cannot read '\(configPath)'")
            }
            do {
                profile = try RouteProfile.load(contentsOfFile: configPath)
            } catch {
                throw ValidationError("\(configFound.origin): \(error)")
            }
        }
        var resolver = ServeSettingResolver(
            flags: flags,
            environment: environment,
            file: Self.fileSettings(of: profile),
            filePath: configPath
        )
        resolver.record(Setting.config, configPath.map { .string($0) } ?? .none, configFound?.source ?? .builtIn)

        // The HTTPS listener, and the plain one (its default only when no HTTPS listener is asked
        // for without it: `--tls-listen` alone runs the HTTPS listener alone).
        let tlsListen = try resolver.text(Setting.tlsListen)
        let listen = try resolver.text(Setting.listen, default: tlsListen.value == nil ? ServeDefaults.listen : nil)
        let listenAddress = try listen.value.map { try Self.address($0, origin: listen.found?.origin) }
        let certificateFiles = try resolver.list(Setting.tlsCert).values
        let keyFiles = try resolver.list(Setting.tlsKey).values
        let certificateDirectory = try resolver.text(Setting.tlsCertDir).value
        let hstsMaxAge = try resolver.integer(
            Setting.hstsMaxAge,
            default: nil,
            expectation: "must not be negative",
            isValid: { $0 >= 0 }
        )
        var tls: TLSListenerConfiguration?
        var tlsSources = TLSCertificateSources(pairs: [], directory: nil)
        if let tlsListenText = tlsListen.value {
            let address = try Self.address(tlsListenText, origin: tlsListen.found?.origin)
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
                throw ValidationError(
                    "\(tlsListen.found?.origin ?? "--tls-listen"): the TLS context cannot be built: \(error)"
                )
            }
        } else if !certificateFiles.isEmpty || !keyFiles.isEmpty || certificateDirectory != nil {
            throw ValidationError("--tls-cert, --tls-key and --tls-cert-dir need --tls-listen")
        }
        let adminListen = try resolver.text(Setting.adminListen, default: ServeDefaults.adminListen)
        let admin = try Self.address(adminListen.value ?? ServeDefaults.adminListen, origin: adminListen.found?.origin)
        // Two listeners on one address would fail at the second bind, after the first listens.
        try ListenerAddressOverlap.check(
            [
                listenAddress.map { (listen.found?.origin ?? "the default --listen", $0) },
                tls.map { (tlsListen.found?.origin ?? "--tls-listen", $0.address) },
                (adminListen.found?.origin ?? "the default --admin-listen", admin),
            ].compactMap { $0 }
        )

        // The database; its password never reaches --print-config.
        guard let databaseFound = try resolver.find(Setting.databaseURL), let databaseURL = databaseFound.values.last
        else { throw ValidationError(DatabaseURL.missing) }
        // A string libpq cannot read would fail every connection attempt while the gateway kept
        // waiting for its database; an unreachable database is no error here.
        try DatabaseURL.validate(databaseURL, origin: databaseFound.origin)
        resolver.record(
            Setting.databaseURL,
            .string(SecretMasking.maskDatabaseURL(databaseURL)),
            databaseFound.source
        )

        // The upstream servers of the default group; the file's entries may carry weights.
        guard let upstreamFound = try resolver.find(Setting.upstream) else {
            throw ValidationError("missing --upstream (and FREEZEGATE_UPSTREAM is not set)")
        }
        let upstreamTexts = upstreamFound.values
        guard !upstreamTexts.isEmpty else { throw ValidationError("\(upstreamFound.origin): no server given") }
        resolver.record(Setting.upstream, .list(upstreamTexts), upstreamFound.source)
        let upstreamGroups: UpstreamGroups
        do {
            var defaultServers: [UpstreamServer] = []
            if case .configFile = upstreamFound.source {
                defaultServers = try UpstreamProfileSettings.defaultServers(
                    profile: profile,
                    source: configPath ?? "profile"
                )
            } else {
                for text in upstreamTexts {
                    do {
                        defaultServers.append(try UpstreamServer(url: text))
                    } catch {
                        throw ValidationError("\(upstreamFound.origin): \(error)")
                    }
                }
            }
            upstreamGroups = try UpstreamProfileSettings.groups(
                defaultServers: defaultServers,
                profile: profile,
                source: configPath ?? "profile"
            )
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
        let upstreamTLS = try Self.upstreamTLS(groups: upstreamGroups, resolver: &resolver)

        // Passive health.
        let maxFails =
            try resolver.integer(
                Setting.upstreamMaxFails,
                default: 3,
                expectation: "must be a whole number from 1 to 65535",
                isValid: { (1..<65_536).contains($0) }
            ) ?? 3
        let backoff =
            try resolver.number(
                Setting.upstreamBackoff,
                default: 10,
                expectation: "must be a number of seconds between 0 and 86400",
                isValid: { $0.isFinite && $0 > 0 && $0 <= 86_400 }
            ) ?? 10
        let dnsRefresh =
            try resolver.number(
                Setting.upstreamDNSRefresh,
                default: 30,
                expectation: "must be a number of seconds from 0 to 86400",
                isValid: { $0.isFinite && $0 >= 0 && $0 <= 86_400 }
            ) ?? 30
        resolver.recordDerived(
            key: "upstream_health_check",
            profile.upstreamHealthCheck.map { check in
                .string(
                    "GET \(check.path) every \(check.interval) s, timeout \(check.timeout) s, "
                        + "up after \(check.healthyThreshold), down after \(check.unhealthyThreshold)"
                )
            } ?? .none,
            profile.upstreamHealthCheck == nil ? .builtIn : .configFile(configPath ?? "")
        )

        // Base domains; from a flag or the environment they keep winning over the file on reload.
        let domains = try resolver.list(Setting.baseDomains, default: ServeDefaults.baseDomains)
        let baseDomains = domains.values
        let domainsOrigin = domains.found?.origin ?? "default"
        var baseDomainsOverride: [String]?
        switch domains.found?.source {
        case .flag?, .environment?: baseDomainsOverride = baseDomains
        default: baseDomainsOverride = nil
        }
        if baseDomains.isEmpty { throw ValidationError("\(domainsOrigin): no base domain given") }
        for domain in baseDomains {
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard !domain.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
                domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            else { throw ValidationError("\(domainsOrigin): '\(domain)' is not a domain name") }
        }

        // Trusted proxies.
        let trustedTexts = try resolver.list(Setting.trustedProxies)
        var trusted: [CIDRBlock] = []
        for text in trustedTexts.values {
            guard let block = CIDRBlock(text) else {
                throw ValidationError("\(trustedTexts.found?.origin ?? "default"): '\(text)' is not a CIDR block")
            }
            trusted.append(block)
        }

        // Logging.
        let levelText = try resolver.text(Setting.logLevel, default: ServeDefaults.logLevel)
        guard let level = Logger.Level(rawValue: (levelText.value ?? ServeDefaults.logLevel).lowercased()) else {
            throw ValidationError(
                "\(levelText.found?.origin ?? "default"): '\(levelText.value ?? "")' is not a log level"
            )
        }
        resolver.record(Setting.logLevel, .string(level.rawValue), levelText.found?.source ?? .builtIn)
        let formatText = try resolver.text(Setting.logFormat, default: ServeDefaults.logFormat.rawValue)
        guard let format = LogFormat(rawValue: (formatText.value ?? "").lowercased()) else {
            throw ValidationError(
                "\(formatText.found?.origin ?? "default"): '\(formatText.value ?? "")' is not a log format (text or json)"
            )
        }
        resolver.record(Setting.logFormat, .string(format.rawValue), formatText.found?.source ?? .builtIn)

        // The access log.
        let accessLogText = try resolver.text(Setting.accessLog, default: ServeDefaults.accessLog)
        guard let accessLogValue = accessLogText.value, !accessLogValue.isEmpty else {
            throw ValidationError("\(accessLogText.found?.origin ?? "default"): empty; give a file, - or off")
        }
        let accessLogDestination = AccessLogDestination(parsing: accessLogValue)
        let accessFormatText = try resolver.text(
            Setting.accessLogFormat,
            default: ServeDefaults.accessLogFormat.rawValue
        )
        guard let accessLogFormat = AccessLogFormat(rawValue: (accessFormatText.value ?? "").lowercased()) else {
            throw ValidationError(
                "\(accessFormatText.found?.origin ?? "default"): '\(accessFormatText.value ?? "")' is not an access log format (combined or json)"
            )
        }
        resolver.record(
            Setting.accessLogFormat,
            .string(accessLogFormat.rawValue),
            accessFormatText.found?.source ?? .builtIn
        )

        // Timeouts and limits.
        func seconds(_ setting: ServeSettingDeclaration, _ fallback: Double) throws -> TimeAmount {
            let value =
                try resolver.number(
                    setting,
                    default: fallback,
                    expectation: "must be a number of seconds between 0 and 86400",
                    isValid: { $0.isFinite && $0 > 0 && $0 <= 86_400 }
                ) ?? fallback
            return .nanoseconds(Int64(value * 1_000_000_000))
        }
        func positive(_ setting: ServeSettingDeclaration, _ fallback: Int?) throws -> Int? {
            try resolver.integer(setting, default: fallback, expectation: "must be positive", isValid: { $0 > 0 })
        }
        let timeouts = ProxyTimeouts(
            clientHeaderRead: try seconds(Setting.clientHeaderTimeout, 10),
            clientIdle: try seconds(Setting.clientIdleTimeout, 75),
            upstreamConnect: try seconds(Setting.upstreamConnectTimeout, 5),
            upstreamResponse: try seconds(Setting.upstreamResponseTimeout, 60),
            upstreamIdle: try seconds(Setting.upstreamIdleTimeout, 60),
            tunnelIdle: try seconds(Setting.tunnelIdleTimeout, 300),
            drain: try seconds(Setting.drainTimeout, 20)
        )
        let limits = RequestLimits(
            maxRequestLineBytes: try positive(Setting.maxRequestLine, 8 * 1024) ?? 8 * 1024,
            maxHeaderBytes: try positive(Setting.maxHeaderBytes, 64 * 1024) ?? 64 * 1024,
            maxHeaderCount: try positive(Setting.maxHeaderCount, 100) ?? 100
        )
        let maxUpstream = try positive(Setting.maxUpstreamConnections, 512) ?? 512
        let maxConnections = try positive(Setting.maxConnections, nil)
        let threads = try positive(Setting.threads, System.coreCount) ?? System.coreCount

        let proxyProtocol = try resolver.toggle(Setting.proxyProtocol)
        if proxyProtocol && trusted.isEmpty {
            throw ValidationError(
                "--proxy-protocol: no --trusted-proxy given, so every connection would be refused"
            )
        }
        var configuration = ProxyConfiguration(
            listen: listenAddress,
            tls: tls,
            upstreamGroups: upstreamGroups,
            timeouts: timeouts,
            limits: limits,
            headerPolicy: ForwardingHeaderPolicy(trustedProxies: trusted),
            maxUpstreamConnectionsPerLoop: maxUpstream
        )
        configuration.proxyProtocol = proxyProtocol
        configuration.upstreamTLS = upstreamTLS
        configuration.upstreamHealth = UpstreamHealthPolicy(
            maxFailures: maxFails,
            backoff: .nanoseconds(Int64(backoff * 1_000_000_000))
        )
        configuration.upstreamDNSRefresh = dnsRefresh > 0 ? .nanoseconds(Int64(dnsRefresh * 1_000_000_000)) : nil
        configuration.upstreamHealthCheck = profile.upstreamHealthCheck.map(UpstreamProfileSettings.healthCheck)
        configuration.maxConnections = maxConnections
        return ServeSettings(
            proxy: configuration,
            admin: admin,
            threads: threads,
            logLevel: level,
            logFormat: format,
            accessLog: accessLogDestination,
            accessLogOrigin: accessLogText.found?.origin ?? "--\(Setting.accessLog.flag)",
            accessLogFormat: accessLogFormat,
            tlsSources: tlsSources,
            databaseURL: databaseURL,
            profile: profile,
            baseDomains: baseDomains,
            configPath: configPath,
            baseDomainsOverride: baseDomainsOverride,
            entries: resolver.entries
        )
    }

    /// The settings the profile file holds: those kept as written, and those the profile parser
    /// reads itself (the upstream list, passive health, base domains, trusted proxies) as text.
    static func fileSettings(of profile: RouteProfile) -> [String: ProfileSetting] {
        var settings = profile.settings
        func put(_ setting: ServeSettingDeclaration, _ values: [String]?, isList: Bool) {
            guard let values else { return }
            settings[setting.key] = ProfileSetting(values: values, isList: isList, line: nil)
        }
        put(Setting.upstream, profile.upstreams?.map(\.url), isList: true)
        put(Setting.upstreamMaxFails, profile.upstreamMaxFails.map { [String($0)] }, isList: false)
        put(Setting.upstreamBackoff, profile.upstreamBackoff.map { [String($0)] }, isList: false)
        put(Setting.upstreamDNSRefresh, profile.upstreamDNSRefresh.map { [String($0)] }, isList: false)
        put(Setting.baseDomains, profile.baseDomains, isList: true)
        put(Setting.trustedProxies, profile.trustedProxies.isEmpty ? nil : profile.trustedProxies, isList: true)
        return settings
    }

    /// The TLS client context for https upstreams, with the CA and the client certificate.
    private static func upstreamTLS(
        groups: UpstreamGroups,
        resolver: inout ServeSettingResolver
    ) throws -> UpstreamTLS? {
        let anyTLS = groups.all.contains { $0.servers.contains(where: \.tls) }
        let ca = try resolver.text(Setting.upstreamCA)
        let certificate = try resolver.text(Setting.upstreamClientCert)
        let key = try resolver.text(Setting.upstreamClientKey)
        guard anyTLS else {
            if ca.value != nil || certificate.value != nil || key.value != nil {
                throw ValidationError("--upstream-ca and --upstream-client-cert/-key need an https:// --upstream")
            }
            return nil
        }
        if let caFile = ca.value, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("\(ca.found?.origin ?? "--upstream-ca"): cannot read '\(caFile)'")
        }
        var clientCertificate: TLSCertificate?
        switch (certificate.value, key.value) {
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
            return try UpstreamTLS.make(serverHostname: "", caFile: ca.value, clientCertificate: clientCertificate)
        } catch {
            throw ValidationError(
                "\(ca.found?.origin ?? "--upstream-ca"): '\(ca.value ?? "system trust store")' cannot be used: \(error)"
            )
        }
    }

    /// A listener address, resolved; a bad one is named by where it came from.
    private static func address(_ text: String, origin: String?) throws -> SocketAddress {
        do {
            let (host, port) = try EndpointParser.hostAndPort(text)
            return try EndpointParser.resolve(host: host, port: port)
        } catch {
            throw ValidationError("\(origin ?? "default"): \(error)")
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
        // Opened before anything is logged: a file that cannot be opened is bad input, reported as
        // the first line on stderr like the settings' other errors.
        var accessLog: AccessLogSink?
        if settings.accessLog != .off {
            do {
                accessLog = try AccessLogSink(
                    destination: settings.accessLog,
                    format: settings.accessLogFormat,
                    logger: logger
                )
            } catch {
                throw ValidationError("\(settings.accessLogOrigin): \(error)")
            }
        }
        // A closed standard output (the access log's default) must fail a write, not kill us.
        signal(SIGPIPE, SIG_IGN)
        // SIGTERM and SIGINT drain from here on, also before the service group has its handlers.
        let shutdownSignals = EarlyShutdownSignals()
        defer { shutdownSignals.cancel() }
        // Two descriptors per forwarded connection: the soft limit (often 1024) goes up to the hard
        // one. Logged once the listeners are up, so that an error that stops the start (an upstream
        // name that does not resolve) is the first line on stderr.
        let descriptors = DescriptorLimit.raiseSoftToHard()
        // Timers must not need a new descriptor once descriptors may run out (DispatchTimerClocks).
        await DispatchTimerClocks.prepare()
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
                logger: logger,
                startSettings: settings.profile.settings
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
        let group = MultiThreadedEventLoopGroup(numberOfThreads: settings.threads)
        let proxy = ProxyServer(
            configuration: proxyConfiguration,
            decider: services.decider,
            group: group,
            logger: logger,
            accessLog: accessLog
        )
        if let accessLog, case .file = accessLog.destination {
            // The event loops' buffered lines go to the old file first, as nginx's do.
            reloadServices.append(ReloadSignalService(signal: SIGUSR1) { proxy.reopenAccessLog() })
        } else {
            // Left at its default, SIGUSR1 would end the process: a logrotate rule or a stray
            // `kill -USR1` kept after the log moved to standard output must not take it down.
            reloadServices.append(
                ReloadSignalService(signal: SIGUSR1) {
                    logger.warning("SIGUSR1 ignored: the access log is not a file (--access-log - or off)")
                }
            )
        }
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
            try await admin.bind()
            try await proxy.start()
            admin.announce()
            logger.info(
                "file descriptor limit",
                metadata: ["soft": "\(descriptors.soft)", "hard": "\(descriptors.hard)"]
            )
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
            await shutdownSignals.handOver(to: serviceGroup)
            try await serviceGroup.run()
        } catch {
            // Said before the shutdown's own lines, so that the first line names the port.
            let bindFailure = error as? ListenerBindFailure
            if let bindFailure { FileHandle.standardError.write(Data("Error: \(bindFailure)\n".utf8)) }
            await proxy.shutdown(drain: .zero)
            admin.stop()
            await accessLog?.close()
            try? await group.shutdownGracefully()
            if bindFailure != nil { throw ExitCode.failure }
            throw error
        }
        await accessLog?.close()
        try? await group.shutdownGracefully()
    }
}
