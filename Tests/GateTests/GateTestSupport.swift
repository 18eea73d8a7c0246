import Foundation
import NIOHTTP1
import TenantModel
import TestSupport

@testable import Gate

/// A request head with the given Host (none when `nil`) and extra headers.
func requestHead(
    _ method: HTTPMethod = .GET,
    _ uri: String,
    host: String? = "acme.s20.online",
    headers: [(String, String)] = []
)
    -> HTTPRequestHead
{
    // Values in the wire form the proxy's parser hands over (``FieldValueText``) for UTF-8 text.
    var fields: [(String, String)] = []
    if let host { fields.append(("Host", FieldValueText.wireForm(of: host))) }
    fields.append(contentsOf: headers.map { ($0.0, FieldValueText.wireForm(of: $0.1)) })
    return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(fields))
}

/// The instant all fixture tenants are judged at.
let fixtureNow = utc("2027-07-15T12:00:00Z")

/// Tenants in every state at `fixtureNow`: `acme` frozen until 2027-08-01, `beta` active,
/// `gamma` expired, `delta` active with a custom domain, `epsilon` frozen with a custom domain.
func fixtureSnapshot(loadedAt: Date = fixtureNow) -> TenantSnapshot {
    let freeze = FreezeWindow(id: 1, start: utc("2027-07-01T00:00:00Z"), end: utc("2027-08-01T00:00:00Z"))
    return TenantSnapshot(
        records: [
            TenantRecord(key: "acme", paidUntil: utc("2027-09-01T00:00:00Z"), freezes: [freeze]),
            TenantRecord(key: "beta", paidUntil: utc("2027-09-01T00:00:00Z")),
            TenantRecord(key: "gamma", paidUntil: utc("2027-07-01T00:00:00Z")),
            TenantRecord(key: "delta", paidUntil: utc("2027-09-01T00:00:00Z"), domains: ["crm.delta-school.edu"]),
            TenantRecord(
                key: "epsilon",
                paidUntil: utc("2027-09-01T00:00:00Z"),
                domains: ["школа.рф"],
                freezes: [FreezeWindow(id: 2, start: utc("2027-07-10T00:00:00Z"), end: utc("2027-08-10T00:00:00Z"))]
            ),
        ],
        loadedAt: loadedAt
    )
}

/// The default gate over `s20.online`.
let defaultGate = Gate(profile: .alfaCRM, baseDomains: ["s20.online"])

extension GateDecision {
    var isForward: Bool {
        if case .forward = self { return true }
        return false
    }

    var forwardedHead: HTTPRequestHead? {
        if case .forward(let head, _) = self { return head.httpRequestHead }
        return nil
    }

    var responseStatus: HTTPResponseStatus? {
        if case .respond(let status, _, _, _, _) = self { return status }
        return nil
    }

    var responseHeaders: HTTPHeaders? {
        if case .respond(_, let headers, _, _, _) = self { return headers }
        return nil
    }

    var responseBody: String? {
        if case .respond(_, _, let body, _, _) = self { return String(decoding: body, as: UTF8.self) }
        return nil
    }

    var closesConnection: Bool {
        if case .respond(_, _, _, let close, _) = self { return close }
        return false
    }
}
