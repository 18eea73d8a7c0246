/// The defaults of `serve` (docs/CONFIGURATION.md), used when neither a flag, the environment nor the
/// config file says otherwise.
import Proxy

enum ServeDefaults {
    static let listen = "127.0.0.1:8080"
    static let adminListen = "127.0.0.1:9090"
    static let baseDomains = ["s20.online"]
    static let logFormat = LogFormat.text
    static let logLevel = "info"
    /// Standard output, like a container's or a systemd unit's log (docs/CONFIGURATION.md).
    static let accessLog = "-"
    static let accessLogFormat = AccessLogFormat.combined
}
