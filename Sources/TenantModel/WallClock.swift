import Foundation

/// The source of "now" for everything that judges time, injectable so tests can move it.
public protocol WallClock: Sendable {
    func now() -> Date
}
