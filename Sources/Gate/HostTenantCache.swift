import TenantModel

/// Tenants already found by host, for one snapshot: a keep-alive connection, and every connection
/// of a school, asks for the same host request after request, and finding its tenant costs a
/// custom-domain lookup, the base-domain suffix test, the key's check and a second lookup by key
/// (about 0.4 µs per request in the profile); a cached host costs one lookup.
///
/// Entries hold for one snapshot content (`TenantSnapshot.contentID`, new with every change and
/// every load, kept by a re-stamped snapshot) and one set of base domains (a reloaded profile may
/// name others): either changing starts over. Only hosts that name a tenant are kept, so requests
/// with made-up hosts cannot fill it; it is bounded all the same, and starts over when full.
///
/// Not Sendable and never locked: one per thread (the gateway keeps one per event loop).
public final class HostTenantCache {
    public let capacity: Int
    private var records: [String: TenantRecord] = [:]
    private var contentID: UInt64?
    private var baseDomains: [String] = []

    public init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// Hosts kept now.
    public var count: Int { self.records.count }

    /// The tenant `host` (normalised, as ``HostAuthority`` gives it) names in `snapshot`, as
    /// `resolver` finds it.
    func tenant(forHost host: String, in snapshot: TenantSnapshot, resolver: HostResolver) -> TenantHostMatch {
        if snapshot.contentID != self.contentID || resolver.baseDomains != self.baseDomains {
            self.records.removeAll(keepingCapacity: true)
            self.contentID = snapshot.contentID
            self.baseDomains = resolver.baseDomains
        } else if let record = self.records[host] {
            return .tenant(record)
        }
        let match = resolver.tenant(forHost: host, in: snapshot)
        if case .tenant(let record) = match {
            if self.records.count >= self.capacity { self.records.removeAll(keepingCapacity: true) }
            self.records[host] = record
        }
        return match
    }
}
