/// Reads a freeze request from a message's subject and text (quoted history left out).
public enum FreezeRequestReader {
    /// How much of the text is read: a request is a few lines; the rest of a long message (a long
    /// forwarded thread, a pasted document) would only cost time, so it is not read.
    public static let maximumCharacters = 16_000

    public static func read(subject: String, body: String, baseDomains: [String]) -> FreezeRequestReading {
        let current = QuotedHistory.removing(from: String(body.prefix(maximumCharacters * 4)))
        let text = String(subject.prefix(1_000)) + "\n" + String(current.prefix(maximumCharacters))
        let identifiers = TenantIdentifierReader.candidates(in: text, baseDomains: baseDomains)
        var period: RequestedPeriod?
        var problem: FreezeRequestReading.Problem?
        switch PeriodReader.read(text) {
        case .period(let found): period = found
        case .none: problem = .noPeriod
        case .several: problem = .severalPeriods
        case .incomplete: problem = .incompletePeriod
        }
        if problem == nil, identifiers.isEmpty { problem = .noIdentifier }
        return FreezeRequestReading(
            identifiers: identifiers,
            period: period,
            problem: problem,
            language: RequestLanguage.of(text)
        )
    }
}
