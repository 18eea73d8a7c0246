import HTTPHead
import NIOHTTP1
import TenantModel

/// Finds the host of a request (docs/PROFILE.md, "How the gate reads a request") and the tenant it names.
///
/// A tenant is `<key>.<base-domain>` where `<key>` is one DNS label, or a custom domain registered
/// in SQL. `a.b.s20.online` names no tenant (two labels): tenant keys are single labels, and the
/// upstream's own host routing has the same rule; such a host is forwarded untouched.
public struct HostResolver: Sendable {
    /// Normalised base domains, longest first (so a nested base domain wins over its parent).
    public let baseDomains: [String]

    public init(baseDomains: [String] = ["s20.online"]) {
        self.baseDomains = baseDomains.map(DomainName.normalized).sorted { $0.count > $1.count }
    }

    /// The request's authority and the head to forward, or the reason it gets 400.
    public func resolve(_ head: RequestHead) -> Result<ResolvedRequest, HostRejection> {
        // One pass over the fields without collecting them (this runs for every request).
        var hostIndex: Int?
        var hosts = 0
        head.fields.forEach { index, name, _ in
            guard name.count == 4, RequestFields.equalsLowercased(name, "host") else { return }
            hosts += 1
            if hostIndex == nil { hostIndex = index }
        }
        guard hosts <= 1 else { return .failure(.multipleHosts) }
        guard let hostIndex else { return .failure(.missingHost) }
        // The common host (lower-case ASCII labels, a port) read from the value's bytes; any other
        // through the value's text and the full parser.
        let plainAuthority = head.fields.lines.withUnsafeBufferPointer { lines in
            HostAuthority.plain(bytes: UnsafeBufferPointer(rebasing: lines[head.fields.valueRange(at: hostIndex)]))
        }
        guard
            let hostAuthority = plainAuthority
                ?? HostAuthority(parsing: FieldValueText.utf8Reading(of: head.fields.valueText(at: hostIndex)))
        else {
            return .failure(.invalidHost)
        }

        if head.method == .CONNECT { return .failure(.unsupportedTarget) }
        let uri = head.uri
        if uri.hasPrefix("/") {
            return .success(ResolvedRequest(authority: hostAuthority, originTarget: uri, forwardHead: head))
        }
        if uri == "*" {
            guard head.method == .OPTIONS else { return .failure(.unsupportedTarget) }
            return .success(ResolvedRequest(authority: hostAuthority, originTarget: uri, forwardHead: head))
        }
        // Absolute form (RFC 9112 §3.2.2): the target's authority replaces Host, which goes last.
        guard let absolute = AbsoluteTarget(parsing: uri) else { return .failure(.unsupportedTarget) }
        guard let targetAuthority = HostAuthority(parsing: absolute.authority) else { return .failure(.invalidHost) }
        var forwardHead = head
        forwardHead.uri = absolute.originForm
        forwardHead.fields = head.fields.removing { head.fields.name(at: $0, is: "host") }
        // The target is UTF-8 text: its bytes are the field's.
        forwardHead.fields.append(name: "Host".utf8, value: absolute.authority.utf8)
        return .success(
            ResolvedRequest(authority: targetAuthority, originTarget: absolute.originForm, forwardHead: forwardHead)
        )
    }

    /// ``resolve(_:)`` for a head of NIO's type.
    public func resolve(_ head: HTTPRequestHead) -> Result<ResolvedRequest, HostRejection> {
        self.resolve(RequestHead(head))
    }

    /// The tenant a (normalised) host names. Custom domains are looked up first.
    public func tenant(forHost host: String, in snapshot: TenantSnapshot?) -> TenantHostMatch {
        if let snapshot, let record = snapshot.record(forDomain: host) {
            return .tenant(record)
        }
        // Compared as bytes: a label with any byte outside a–z, 0–9 and `-` names no tenant, so
        // counting characters instead could change nothing but the cost.
        let hostBytes = host.utf8
        for base in self.baseDomains {
            let suffixLength = base.utf8.count + 1
            guard hostBytes.count > suffixLength else { continue }
            let dot = hostBytes.index(hostBytes.endIndex, offsetBy: -suffixLength)
            guard hostBytes[dot] == UInt8(ascii: "."),
                hostBytes[hostBytes.index(after: dot)...].elementsEqual(base.utf8)
            else { continue }
            let label = host[..<dot]
            guard Self.isTenantKey(label) else { return .none }
            guard let snapshot else { return .unverifiedTenant(key: String(label)) }
            return snapshot.record(forKey: String(label)).map { .tenant($0) } ?? .none
        }
        return .none
    }

    /// A tenant key: one DNS label of lower-case letters, digits and `-`, 1–63 characters.
    static func isTenantKey(_ label: Substring) -> Bool {
        !label.isEmpty && label.utf8.count <= 63
            && label.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
    }
}
