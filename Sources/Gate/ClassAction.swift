/// What a request class gets while its tenant is frozen or expired.
public enum ClassAction: String, Sendable, Hashable {
    case forward
    case block
}
