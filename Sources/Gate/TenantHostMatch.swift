import TenantModel

/// Which tenant, if any, a host names.
public enum TenantHostMatch: Sendable, Hashable {
    /// A tenant of the snapshot, by `<key>.<base-domain>` or by a custom domain.
    case tenant(TenantRecord)
    /// `<label>.<base-domain>` with no snapshot to look it up in: it may be a tenant.
    case unverifiedTenant(key: String)
    /// Not a tenant (a base domain itself, a deeper name, an IP address, another site, or a
    /// tenant-shaped name the snapshot does not know): forwarded untouched.
    case none
}
