import HTTPHead

/// A request whose host is known: the authority it is for, its target in origin form and the head
/// to forward (origin form, `Host` from the target, for an absolute-form request).
public struct ResolvedRequest: Sendable {
    public let authority: HostAuthority
    public let originTarget: String
    public let forwardHead: RequestHead
}
