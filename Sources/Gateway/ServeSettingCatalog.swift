/// Every setting of `serve`, in the order `--print-config` lists them (docs/CONFIGURATION.md).
///
/// A new setting is a declaration here and the line of `ServeCommand.settings` that converts it
/// to what the gateway uses: its flag, variable, config key, help and `--print-config` line all
/// come from the declaration.
package enum ServeSettingCatalog {
    package static let listen = ServeSettingDeclaration(
        key: "listen",
        valueName: "HOST:PORT",
        defaultText: "127.0.0.1:8080, none when only --tls-listen is given",
        summary: "Where clients connect over plain HTTP, HOST:PORT"
    )
    package static let tlsListen = ServeSettingDeclaration(
        key: "tls_listen",
        valueName: "HOST:PORT",
        defaultText: "none",
        summary: "HTTPS listener, HOST:PORT; without --listen only this listener runs"
    )
    package static let tlsCert = ServeSettingDeclaration(
        key: "tls_cert",
        arity: .list,
        isPath: true,
        valueName: "FILE",
        defaultText: "none",
        summary: "PEM certificate, its chain may follow (repeatable, paired in order with --tls-key)"
    )
    package static let tlsKey = ServeSettingDeclaration(
        key: "tls_key",
        arity: .list,
        isPath: true,
        valueName: "FILE",
        defaultText: "none",
        summary: "PEM private key of the --tls-cert at the same position (repeatable)"
    )
    package static let tlsCertDir = ServeSettingDeclaration(
        key: "tls_cert_dir",
        isPath: true,
        valueName: "DIR",
        defaultText: "none",
        summary: "Directory of NAME.pem (chain and key) or NAME.crt + NAME.key files"
    )
    package static let hstsMaxAge = ServeSettingDeclaration(
        key: "hsts_max_age",
        valueName: "S",
        defaultText: "none",
        summary: "Seconds of Strict-Transport-Security on responses over TLS"
    )
    package static let proxyProtocol = ServeSettingDeclaration(
        key: "proxy_protocol",
        arity: .toggle,
        defaultText: "off",
        summary: "Client listeners expect a PROXY protocol v1/v2 header, from --trusted-proxy addresses only"
    )
    package static let adminListen = ServeSettingDeclaration(
        key: "admin_listen",
        valueName: "HOST:PORT",
        defaultText: "127.0.0.1:9090",
        summary: "Admin listener (/healthz, /readyz, /metrics), HOST:PORT"
    )
    package static let upstream = ServeSettingDeclaration(
        key: "upstream",
        arity: .list,
        valueName: "URL",
        defaultText: "none, one is required",
        summary:
            "An upstream server of the default group, http://HOST[:PORT] or https://HOST[:PORT] (repeatable); names are resolved when serving starts"
    )
    package static let upstreamMaxFails = ServeSettingDeclaration(
        key: "upstream_max_fails",
        valueName: "N",
        defaultText: "3",
        summary: "Consecutive connect failures or resets that take a server out"
    )
    package static let upstreamBackoff = ServeSettingDeclaration(
        key: "upstream_backoff",
        valueName: "S",
        defaultText: "10",
        summary: "Seconds a server stays out before one request tries it again, doubled per failed try up to 8 times"
    )
    package static let upstreamDNSRefresh = ServeSettingDeclaration(
        key: "upstream_dns_refresh",
        valueName: "S",
        defaultText: "30",
        summary: "Seconds between resolutions of upstream names, every address used; 0: at start only"
    )
    package static let upstreamCA = ServeSettingDeclaration(
        key: "upstream_ca",
        isPath: true,
        valueName: "FILE",
        defaultText: "the system trust store",
        summary: "PEM trust anchors for an https upstream"
    )
    package static let upstreamClientCert = ServeSettingDeclaration(
        key: "upstream_client_cert",
        isPath: true,
        valueName: "FILE",
        defaultText: "none",
        summary: "PEM client certificate (chain may follow) for mutual TLS to an https upstream"
    )
    package static let upstreamClientKey = ServeSettingDeclaration(
        key: "upstream_client_key",
        isPath: true,
        valueName: "FILE",
        defaultText: "none",
        summary: "PEM private key of --upstream-client-cert"
    )
    package static let databaseURL = ServeSettingDeclaration(
        key: "database_url",
        environmentFallback: "DATABASE_URL",
        valueName: "URL",
        defaultText: "none, one is required",
        summary: "libpq connection string or URL"
    )
    package static let config = ServeSettingDeclaration(
        key: "config",
        inFile: false,
        isPath: true,
        valueName: "FILE",
        defaultText: "the built-in AlfaCRM profile",
        summary:
            "Routing profile and policy file, which may also hold these settings; flags win over it. Reloaded on SIGHUP"
    )
    package static let baseDomains = ServeSettingDeclaration(
        key: "base_domains",
        flag: "base-domain",
        arity: .list,
        valueName: "DOMAIN",
        defaultText: "s20.online",
        summary: "Tenant base domain (repeatable)"
    )
    package static let trustedProxies = ServeSettingDeclaration(
        key: "trusted_proxies",
        flag: "trusted-proxy",
        arity: .list,
        valueName: "CIDR",
        defaultText: "none",
        summary: "Address or CIDR block of a proxy whose X-Forwarded-* headers are kept (repeatable)"
    )
    package static let logLevel = ServeSettingDeclaration(
        key: "log_level",
        valueName: "LEVEL",
        defaultText: "info",
        summary: "trace, debug, info, notice, warning, error or critical"
    )
    package static let logFormat = ServeSettingDeclaration(
        key: "log_format",
        valueName: "text|json",
        defaultText: "text",
        summary: "text (for a terminal) or json (JSON Lines)"
    )
    package static let accessLog = ServeSettingDeclaration(
        key: "access_log",
        isPath: true,
        valueName: "FILE|-|off",
        defaultText: "- (standard output)",
        summary: "FILE, - (standard output) or off; SIGUSR1 reopens FILE (logrotate)"
    )
    package static let accessLogFormat = ServeSettingDeclaration(
        key: "access_log_format",
        valueName: "combined|json",
        defaultText: "combined",
        summary: "combined (nginx's combined, FreezeGate's fields appended) or json"
    )
    package static let clientHeaderTimeout = ServeSettingDeclaration(
        key: "client_header_timeout",
        valueName: "S",
        defaultText: "10",
        summary: "Seconds to receive a request head (408 after)"
    )
    package static let clientIdleTimeout = ServeSettingDeclaration(
        key: "client_idle_timeout",
        valueName: "S",
        defaultText: "75",
        summary:
            "Seconds an idle keep-alive client connection stays open (and the longest pause of a client in reading a response or in sending a body the gateway discards)"
    )
    package static let upstreamConnectTimeout = ServeSettingDeclaration(
        key: "upstream_connect_timeout",
        valueName: "S",
        defaultText: "5",
        summary: "Seconds to connect to the upstream (502 after)"
    )
    package static let upstreamResponseTimeout = ServeSettingDeclaration(
        key: "upstream_response_timeout",
        valueName: "S",
        defaultText: "60",
        summary:
            "Seconds to the upstream's response head after the last request bytes it took (504 after), and between two reads of its body"
    )
    package static let upstreamIdleTimeout = ServeSettingDeclaration(
        key: "upstream_idle_timeout",
        valueName: "S",
        defaultText: "60",
        summary: "Seconds an idle pooled upstream connection stays open"
    )
    package static let tunnelIdleTimeout = ServeSettingDeclaration(
        key: "tunnel_idle_timeout",
        valueName: "S",
        defaultText: "300",
        summary: "Seconds a silent WebSocket tunnel stays open"
    )
    package static let drainTimeout = ServeSettingDeclaration(
        key: "drain_timeout",
        valueName: "S",
        defaultText: "20",
        summary: "Seconds requests in flight may take after SIGTERM"
    )
    package static let maxRequestLine = ServeSettingDeclaration(
        key: "max_request_line",
        valueName: "BYTES",
        defaultText: "8192",
        summary: "Longest request line in bytes (414 above)"
    )
    package static let maxHeaderBytes = ServeSettingDeclaration(
        key: "max_header_bytes",
        valueName: "BYTES",
        defaultText: "65536",
        summary: "Largest header section in bytes (431 above)"
    )
    package static let maxHeaderCount = ServeSettingDeclaration(
        key: "max_header_count",
        valueName: "N",
        defaultText: "100",
        summary: "Most header lines (431 above)"
    )
    package static let maxUpstreamConnections = ServeSettingDeclaration(
        key: "max_upstream_connections",
        valueName: "N",
        defaultText: "512",
        summary: "Most upstream connections per event loop"
    )
    package static let maxConnections = ServeSettingDeclaration(
        key: "max_connections",
        valueName: "N",
        defaultText: "no limit",
        summary: "Client connections per process; more wait in the listen backlog"
    )
    package static let threads = ServeSettingDeclaration(
        key: "threads",
        valueName: "N",
        defaultText: "one per core",
        summary: "Event loop threads"
    )

    package static let all: [ServeSettingDeclaration] = [
        listen, tlsListen, tlsCert, tlsKey, tlsCertDir, hstsMaxAge, proxyProtocol, adminListen, upstream,
        upstreamMaxFails, upstreamBackoff, upstreamDNSRefresh, upstreamCA, upstreamClientCert, upstreamClientKey,
        databaseURL, config, baseDomains, trustedProxies, logLevel, logFormat, accessLog, accessLogFormat,
        clientHeaderTimeout, clientIdleTimeout, upstreamConnectTimeout, upstreamResponseTimeout, upstreamIdleTimeout,
        tunnelIdleTimeout, drainTimeout, maxRequestLine, maxHeaderBytes, maxHeaderCount, maxUpstreamConnections,
        maxConnections, threads,
    ]

    /// The settings as `serve --help` lists them: each flag, then its help wrapped to fit 80 columns
    /// and indented (ArgumentParser leaves lines that fit as they are).
    package static var helpListing: String {
        all.map { "  \($0.usage)\n" + wrapped($0.help, indent: 8, width: 76) }.joined(separator: "\n")
    }

    private static func wrapped(_ text: String, indent: Int, width: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = margin
        for word in text.split(separator: " ") {
            if line.count > indent && line.count + 1 + word.count > width {
                lines.append(line)
                line = margin
            }
            line += (line.count > indent ? " " : "") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// The keys a profile file may hold besides the profile's own.
    package static let fileKeys: Set<String> = Set(all.filter(\.inFile).map(\.key))
}
