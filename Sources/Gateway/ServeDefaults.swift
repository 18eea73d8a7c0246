/// The defaults of `serve` (docs/CONFIGURATION.md), used when neither a flag, the environment nor the
/// config file says otherwise.
import Proxy

package enum ServeDefaults {
    package static let listen = "127.0.0.1:8080"
    package static let adminListen = "127.0.0.1:9090"
    package static let baseDomains = ["s20.online"]
    package static let logFormat = LogFormat.text
    package static let logLevel = "info"
    /// Standard output, like a container's or a systemd unit's log (docs/CONFIGURATION.md).
    package static let accessLog = "-"
    package static let accessLogFormat = AccessLogFormat.combined
}
