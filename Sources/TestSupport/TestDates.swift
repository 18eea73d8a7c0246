import Foundation

/// `2027-08-01T00:00:00Z`-style instants for readable tests.
public func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else {
        preconditionFailure("bad test date \(text)")
    }
    return date
}
