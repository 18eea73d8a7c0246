/// Reads a freeze request from a message's subject and text (quoted history left out).
public enum FreezeRequestReader {
    public static func read(subject: String, body: String, baseDomains: [String]) -> FreezeRequestReading {
        let current = QuotedHistory.removing(from: body)
        let text = subject + "\n" + current
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
