import TenantModel

/// What the gate knows about the request's tenant.
public enum TenantLookup: Sendable, Hashable {
    /// A known tenant, judged at the request's instant.
    case condition(TenantCondition)
    /// The host names no tenant: nothing to freeze.
    case unknownTenant
    /// The host may name a tenant but no (fresh enough) snapshot is loaded.
    case noSnapshot
}
