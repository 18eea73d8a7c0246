import ArgumentParser
import Foundation
import Gate
import Logging
import NIOCore
import NIOPosix
import Proxy
import ServiceLifecycle

/// `freezegate serve`: runs the gateway until SIGTERM or SIGINT (CONTRACT §2).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Runs the gateway until SIGTERM or SIGINT, then drains and exits 0."
    )

    @Option(name: .customLong("database-url"), help: "libpq connection string or URL (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "The upstream CRM, http://HOST:PORT.")
    var upstream: String

    @Option(help: "Where clients connect, HOST:PORT.")
    var listen: String = "127.0.0.1:8080"

    @Option(name: .customLong("admin-listen"), help: "Admin listener (/healthz, /readyz, /metrics), HOST:PORT.")
    var adminListen: String = "127.0.0.1:9090"

    @Option(name: .customLong("base-domain"), help: "Tenant base domain (repeatable; default s20.online).")
    var baseDomains: [String] = []

    @Option(help: "Routing profile and policy file; flags win over it.")
    var config: String?

    @Option(name: .customLong("trusted-proxy"), help: "CIDR of a proxy whose X-Forwarded-* are kept (repeatable).")
    var trustedProxies: [String] = []

    @Option(name: .customLong("client-header-timeout"), help: "Seconds to receive a request head (408 after).")
    var clientHeaderTimeout: Double = 10

    @Option(name: .customLong("client-idle-timeout"), help: "Seconds an idle keep-alive client connection stays open.")
    var clientIdleTimeout: Double = 75

    @Option(name: .customLong("upstream-connect-timeout"), help: "Seconds to connect to the upstream (502 after).")
    var upstreamConnectTimeout: Double = 5

    @Option(
        name: .customLong("upstream-response-timeout"),
        help: "Seconds to the upstream's response head (504 after)."
    )
    var upstreamResponseTimeout: Double = 60

    @Option(name: .customLong("upstream-idle-timeout"), help: "Seconds an idle pooled upstream connection stays open.")
    var upstreamIdleTimeout: Double = 60

    @Option(name: .customLong("tunnel-idle-timeout"), help: "Seconds a silent WebSocket tunnel stays open.")
    var tunnelIdleTimeout: Double = 300

    @Option(name: .customLong("drain-timeout"), help: "Seconds requests in flight may take after SIGTERM.")
    var drainTimeout: Double = 20

    @Option(name: .customLong("max-request-line"), help: "Longest request line in bytes (414 above).")
    var maxRequestLine: Int = 8 * 1024

    @Option(name: .customLong("max-header-bytes"), help: "Largest header section in bytes (431 above).")
    var maxHeaderBytes: Int = 64 * 1024

    @Option(name: .customLong("max-header-count"), help: "Most header lines (431 above).")
    var maxHeaderCount: Int = 100

    @Option(name: .customLong("max-upstream-connections"), help: "Most upstream connections per event loop.")
    var maxUpstreamConnections: Int = 512

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        _ = try self.settings()
    }

    /// Everything parsed and checked; any problem is a one-line `ValidationError` naming the flag.
    func settings() throws -> ServeSettings {
        func check(_ flag: String, _ body: () throws -> SocketAddress) throws -> SocketAddress {
            do { return try body() } catch { throw ValidationError("--\(flag): \(error)") }
        }
        let upstream = try check("upstream") {
            let (host, port) = try EndpointParser.upstreamURL(self.upstream)
            return try EndpointParser.resolve(host: host, port: port)
        }
        let listen = try check("listen") {
            let (host, port) = try EndpointParser.hostAndPort(self.listen)
            return try EndpointParser.resolve(host: host, port: port)
        }
        let admin = try check("admin-listen") {
            let (host, port) = try EndpointParser.hostAndPort(self.adminListen)
            return try EndpointParser.resolve(host: host, port: port)
        }
        var trusted: [CIDRBlock] = []
        for text in self.trustedProxies {
            guard let block = CIDRBlock(text) else {
                throw ValidationError("--trusted-proxy: '\(text)' is not a CIDR block")
            }
            trusted.append(block)
        }
        for domain in self.baseDomains {
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard !domain.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
                domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
            else { throw ValidationError("--base-domain: '\(domain)' is not a domain name") }
        }
        let databaseURL = try DatabaseURL.resolve(flag: self.databaseURL)
        var profile = RouteProfile.alfaCRM
        if let config = self.config {
            guard FileManager.default.isReadableFile(atPath: config) else {
                throw ValidationError("--config: cannot read '\(config)'")
            }
            do {
                profile = try RouteProfile.load(contentsOfFile: config)
            } catch {
                throw ValidationError("--config: \(error)")
            }
        }
        // Flags win over the profile, the profile over the built-in defaults.
        let baseDomains = !self.baseDomains.isEmpty ? self.baseDomains : (profile.baseDomains ?? ["s20.online"])
        if self.trustedProxies.isEmpty {
            for text in profile.trustedProxies {
                guard let block = CIDRBlock(text) else {
                    throw ValidationError("--config: trusted_proxies: '\(text)' is not a CIDR block")
                }
                trusted.append(block)
            }
        }
        func seconds(_ flag: String, _ value: Double) throws -> TimeAmount {
            guard value.isFinite, value > 0, value <= 86_400 else {
                throw ValidationError("--\(flag): must be a number of seconds between 0 and 86400")
            }
            return .nanoseconds(Int64(value * 1_000_000_000))
        }
        func positive(_ flag: String, _ value: Int) throws -> Int {
            guard value > 0 else { throw ValidationError("--\(flag): must be positive") }
            return value
        }
        let timeouts = ProxyTimeouts(
            clientHeaderRead: try seconds("client-header-timeout", self.clientHeaderTimeout),
            clientIdle: try seconds("client-idle-timeout", self.clientIdleTimeout),
            upstreamConnect: try seconds("upstream-connect-timeout", self.upstreamConnectTimeout),
            upstreamResponseHead: try seconds("upstream-response-timeout", self.upstreamResponseTimeout),
            upstreamIdle: try seconds("upstream-idle-timeout", self.upstreamIdleTimeout),
            tunnelIdle: try seconds("tunnel-idle-timeout", self.tunnelIdleTimeout),
            drain: try seconds("drain-timeout", self.drainTimeout)
        )
        let limits = RequestLimits(
            maxRequestLineBytes: try positive("max-request-line", self.maxRequestLine),
            maxHeaderBytes: try positive("max-header-bytes", self.maxHeaderBytes),
            maxHeaderCount: try positive("max-header-count", self.maxHeaderCount)
        )
        if let threads = self.threads, threads <= 0 { throw ValidationError("--threads: must be positive") }
        guard let level = Logger.Level(rawValue: self.logLevel.lowercased()) else {
            throw ValidationError("--log-level: '\(self.logLevel)' is not a log level")
        }
        let configuration = ProxyConfiguration(
            listen: listen,
            upstream: upstream,
            timeouts: timeouts,
            limits: limits,
            headerPolicy: ForwardingHeaderPolicy(trustedProxies: trusted),
            maxUpstreamConnectionsPerLoop: try positive("max-upstream-connections", self.maxUpstreamConnections)
        )
        return ServeSettings(
            proxy: configuration,
            admin: admin,
            logLevel: level,
            databaseURL: databaseURL,
            profile: profile,
            baseDomains: baseDomains
        )
    }

    func run() async throws {
        let settings = try self.settings()
        let (proxyConfiguration, adminAddress, level) = (settings.proxy, settings.admin, settings.logLevel)
        LoggingSystem.bootstrap { label in
            var handler =
                label == "freezegate.access"
                ? StreamLogHandler.standardOutput(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "freezegate")
        let accessLogger = Logger(label: "freezegate.access")
        let services = GatewayServices.build(
            databaseURL: settings.databaseURL,
            profile: settings.profile,
            baseDomains: settings.baseDomains,
            logger: logger
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threads ?? System.coreCount)
        let proxy = ProxyServer(
            configuration: proxyConfiguration,
            decider: services.decider,
            group: group,
            logger: logger,
            accessLogger: accessLogger
        )
        let admin = AdminServer(
            address: adminAddress,
            group: group,
            logger: logger,
            readiness: services.readiness,
            metrics: services.metrics
        )
        do {
            try await proxy.start()
            try await admin.start()
            let serviceGroup = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services.backgroundServices.map {
                        ServiceGroupConfiguration.ServiceConfiguration(service: $0)
                    }
                        + [
                            ServiceGroupConfiguration.ServiceConfiguration(service: admin),
                            ServiceGroupConfiguration.ServiceConfiguration(service: proxy),
                        ],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
            try await serviceGroup.run()
        } catch {
            await proxy.shutdown(drain: .zero)
            admin.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }
}
