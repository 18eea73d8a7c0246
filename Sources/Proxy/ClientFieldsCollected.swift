/// What the upstream head writer keeps of a client's fields while it copies them: its `Host` and,
/// from a trusted proxy, the forwarding fields the gateway extends rather than copies.
struct ClientFieldsCollected {
    /// The first `Host` value (wire form).
    var host: String?
    /// Every `X-Forwarded-For` value, joined with ", ".
    var forwardedFor = ""
    /// The first `X-Forwarded-Proto` value.
    var forwardedProto: String?
    /// The first `X-Forwarded-Host` value.
    var forwardedHost: String?
}
