import Gate
import Logging
import NIOCore
import Proxy

/// `serve`'s flags and profile, parsed and checked before anything listens.
struct ServeSettings {
    var proxy: ProxyConfiguration
    var admin: SocketAddress
    var logLevel: Logger.Level
    var databaseURL: String
    var profile: RouteProfile
    var baseDomains: [String]
}
