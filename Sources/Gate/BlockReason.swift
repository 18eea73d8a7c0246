/// Why a request is answered by the gateway; the raw value is the JSON `error`.
public enum BlockReason: String, Sendable, Hashable {
    case tenantFrozen = "tenant_frozen"
    case licenseExpired = "license_expired"
    /// No tenant state is loaded and the profile says `when_state_unknown: block`.
    case stateUnknown = "state_unknown"
}
