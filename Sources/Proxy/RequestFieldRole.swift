/// What a client's request field is to the head the gateway sends upstream, read from its name's
/// bytes in one step: the length picks the one or two names worth comparing, so an ordinary
/// field (`Accept`, `Cookie`, `User-Agent`) costs one comparison at most instead of one per rule.
enum RequestFieldRole: Equatable {
    /// One of the fixed hop-by-hop fields of RFC 9110 §7.6.1 other than `Connection`.
    case hopByHop
    case connection
    case contentLength
    case requestID
    case host
    case forwardedFor
    case forwardedProto
    case forwardedHost
    /// `Forwarded` or another `X-Forwarded-*` field.
    case otherForwarding
    case other

    /// `Forwarded` or an `X-Forwarded-*` field: the gateway's own unless a trusted proxy sent it.
    var isClientForwarding: Bool {
        switch self {
        case .forwardedFor, .forwardedProto, .forwardedHost, .otherForwarding: true
        default: false
        }
    }

    init<Name: Collection<UInt8>>(name: Name) {
        switch name.count {
        case 2 where ASCII.equalsCaseInsensitive(name, "te"): self = .hopByHop
        case 4 where ASCII.equalsCaseInsensitive(name, "host"): self = .host
        case 7 where ASCII.equalsCaseInsensitive(name, "trailer") || ASCII.equalsCaseInsensitive(name, "upgrade"):
            self = .hopByHop
        case 9 where ASCII.equalsCaseInsensitive(name, "forwarded"): self = .otherForwarding
        case 10 where ASCII.equalsCaseInsensitive(name, "connection"): self = .connection
        case 10 where ASCII.equalsCaseInsensitive(name, "keep-alive"): self = .hopByHop
        case 12 where ASCII.equalsCaseInsensitive(name, "x-request-id"): self = .requestID
        case 14 where ASCII.equalsCaseInsensitive(name, "content-length"): self = .contentLength
        case 16 where ASCII.equalsCaseInsensitive(name, "proxy-connection"): self = .hopByHop
        case 17 where ASCII.equalsCaseInsensitive(name, "transfer-encoding"): self = .hopByHop
        default: self = .other
        }
        guard self == .other, name.count >= 12, ASCII.startsCaseInsensitive(name, "x-forwarded-") else { return }
        switch name.count {
        case 15 where ASCII.equalsCaseInsensitive(name, "x-forwarded-for"): self = .forwardedFor
        case 16 where ASCII.equalsCaseInsensitive(name, "x-forwarded-host"): self = .forwardedHost
        case 17 where ASCII.equalsCaseInsensitive(name, "x-forwarded-proto"): self = .forwardedProto
        default: self = .otherForwarding
        }
    }
}
