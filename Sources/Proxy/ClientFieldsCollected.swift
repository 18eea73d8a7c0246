/// What the upstream head writer keeps of a client's fields while it copies them: its `Host` and,
/// from a trusted proxy, the forwarding fields the gateway extends rather than copies — each as
/// the index of the field, whose value is written as received.
struct ClientFieldsCollected {
    /// The first `Host` field.
    var host: Int?
    /// Every `X-Forwarded-For` field, in order (their values are joined with ", ").
    var forwardedFor: [Int] = []
    /// The first `X-Forwarded-Proto` field.
    var forwardedProto: Int?
    /// The first `X-Forwarded-Host` field.
    var forwardedHost: Int?
}
