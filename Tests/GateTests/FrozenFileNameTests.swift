import NIOHTTP1
import Testing

@testable import Gate

/// A frozen school keeps its client cabinet, API and Licensing section, and their file names are
/// ordinary text: Russian letters, `№`, typographic symbols, trailing dots. None of that may make
/// the Gate refuse the request; only a reading of a blocked class may.
@Suite struct FrozenFileNameTests {
    static let forwardedWhileFrozen = [
        "/customer/1/files/отчёт.pdf",
        "/customer/1/files/счёт №1.pdf",
        "/customer/1/files/%D1%81%D1%87%D1%91%D1%82%20%E2%84%961.pdf",  // the same, percent-encoded
        "/customer/1/files/Brand™.pdf",
        "/customer/1/files/м².xlsx",
        "/customer/1/files/½ ставки.docx",
        "/customer/1/files/итоги….txt",
        "/customer/1/files/ﬁnal.pdf",
        "/customer/1/files/№1.pdf",
        "/customer/1/files/v1.2.",
        "/company/7/licensing/счёт №15.pdf",
        "/company/7/licensing/invoice™.pdf",
        "/v2api/1/files/отчёт №2.pdf",
        "/api/1/hook?name=отчёт",
    ]

    @Test(arguments: forwardedWhileFrozen)
    func fileNamesOfForwardedClassesAreForwardedWhileFrozen(target: String) {
        let decision = defaultGate.decide(
            head: requestHead(.GET, target.replacingOccurrences(of: " ", with: "%20")),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(decision.isForward, "\(target): \(decision.summary)")
    }

    /// Folds that change the path's structure or spell a route are still ambiguous, and blocked
    /// because a reading is a blocked class.
    @Test(arguments: [
        "/customer/1／..／..／company/1", "/ｃｏｍｐａｎｙ/1", "/customer/1/．．/．．/company/1", "/ﬁ/../company/1",
        "/customer%EF%BC%8F..%EF%BC%8F..%EF%BC%8Fcompany",
    ])
    func foldsThatRerouteAreBlocked(target: String) {
        let decision = defaultGate.decide(head: requestHead(.GET, target), snapshot: fixtureSnapshot(), now: fixtureNow)
        #expect(!decision.isForward, "\(target)")
        #expect(decision.summary.decision == "block", "\(target)")
    }

    /// (`Brand™`, `ﬁnal`, `№1.pdf` fold to all-ASCII pieces that a route could name: they are read
    /// both ways, and forwarded because neither reading is blocked; see the list above.)
    @Test(arguments: ["счёт №1.pdf", "Лицензия™", "½ ставки", "м²", "итоги", "отчёт №2"])
    func ordinaryTextIsNotACompatibilityAmbiguity(segment: String) {
        #expect(!TargetCanonicalizer.compatibilityFoldMayReroute(segment), "\(segment)")
    }

    @Test(arguments: ["ｃｏｍｐａｎｙ", "a／b", "．．", "％２ｅ", "ﬁles", "x…", "№1.pdf"])
    func foldsThatCanChangeRoutingAreAmbiguities(segment: String) {
        #expect(TargetCanonicalizer.compatibilityFoldMayReroute(segment), "\(segment)")
    }

    /// An active tenant's request is forwarded whatever its target, and classified by its
    /// decoded reading: raw UTF-8 and its percent-encoding read the same.
    @Test func rawUTF8IsClassifiedByItsDecodedReading() {
        let raw = TargetCanonicalizer.canonicalize("/customer/1/files/отчёт.pdf")
        let encoded = TargetCanonicalizer.canonicalize("/customer/1/files/%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf")
        #expect(raw.segments == encoded.segments)
        #expect(RouteProfile.alfaCRM.classify(raw.segments).name == "client")
    }

    /// A raw Host in UTF-8, as the proxy hands it over (one scalar per byte), names the tenant
    /// its IDN spelling names.
    @Test func aRawUTF8HostResolvesByItsUTF8Reading() {
        let head = requestHead(.GET, "/", host: "аcme.s20.online")  // Cyrillic а: another name
        guard case .success(let resolved) = defaultGate.hostResolver.resolve(head) else {
            Issue.record("the host did not parse")
            return
        }
        #expect(resolved.authority.host.hasPrefix("xn--"))
    }
}
