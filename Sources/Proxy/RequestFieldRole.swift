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
        // The hop-by-hop names are ``ForwardingHeaderPolicy/isFixedHopByHop(_:)``'s list.
        if ForwardingHeaderPolicy.isFixedHopByHop(name) {
            self = name.count == 10 && ASCII.equalsCaseInsensitive(name, "connection") ? .connection : .hopByHop
            return
        }
        switch name.count {
        case 4 where ASCII.equalsCaseInsensitive(name, "host"): self = .host
        case 9 where ASCII.equalsCaseInsensitive(name, "forwarded"): self = .otherForwarding
        case 12 where ASCII.equalsCaseInsensitive(name, "x-request-id"): self = .requestID
        case 14 where ASCII.equalsCaseInsensitive(name, "content-length"): self = .contentLength
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
