import Gate
import Gateway
import Logging
import NIOCore
import Proxy

/// `serve`'s flags, environment and profile, merged and checked before anything listens.
struct ServeSettings {
    var proxy: ProxyConfiguration
    var admin: SocketAddress
    /// Event loop threads.
    var threads: Int
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var accessLog: AccessLogDestination
    /// Where the access log's destination came from (`--access-log`, its variable or the file's
    /// line), for the error when it cannot be opened.
    var accessLogOrigin: String
    var accessLogFormat: AccessLogFormat
    /// Where the HTTPS listener's certificates come from (read again on SIGHUP); empty without it.
    var tlsSources: TLSCertificateSources
    var databaseURL: String
    var profile: RouteProfile
    var baseDomains: [String]
    /// The profile file, when one is used (reloaded on SIGHUP).
    var configPath: String?
    /// Base domains from a flag or the environment, which keep winning over the file on reload.
    var baseDomainsOverride: [String]?
    /// Every setting with its source, for `--print-config` (database password masked).
    var entries: [ConfigurationEntry]
}
