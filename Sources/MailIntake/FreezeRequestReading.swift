/// What a request message was read to ask for.
public struct FreezeRequestReading: Sendable, Equatable {
    /// Why a request could not be read without guessing.
    public enum Problem: String, Sendable, Equatable {
        case noPeriod = "no_period"
        case severalPeriods = "several_periods"
        case incompletePeriod = "incomplete_period"
        case noIdentifier = "no_identifier"
    }

    /// Possible tenant identifiers, in the order found.
    public var identifiers: [String]
    public var period: RequestedPeriod?
    public var problem: Problem?
    public var language: RequestLanguage

    public var isReadable: Bool { problem == nil && period != nil && !identifiers.isEmpty }
}
