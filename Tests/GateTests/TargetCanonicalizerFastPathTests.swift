import PropertyBased
import Testing

@testable import Gate

/// Pieces for targets that mostly take the fast path, with every byte that must make it step
/// aside (escapes, backslash, `;`, `#`, dots, controls, non-ASCII, `//`).
let plainTargetPieces: [String] = [
    "/", "/", "/", "company", "Customer", "API", "v2api", "1k.bin", "a-b_c~d", "x", "1", "?", "?a=1&b=2", "?q=%2e",
    "?x=/../", "&", "=", ".", "..", "a.", ".a", "%2e", "\\", ";", "#", "//", " ", "\u{7F}", "\u{01}", "é", "~", "*",
    "(", ")", "!", "$", "'", "+", ",", ":", "@", "[", "]", "{", "}", "|", "^", "`", "\"", "<", ">",
]

let plainRandomTarget = Gen.int(in: 0...(plainTargetPieces.count - 1)).array(of: 0...10).map { indices in
    "/" + indices.map { plainTargetPieces[$0] }.joined()
}

@Suite struct TargetCanonicalizerFastPathTests {
    /// The fast path must give exactly what the full analysis gives, or step aside.
    @Test func fastPathAgreesWithTheFullAnalysis() async {
        await propertyCheck(count: 5000, input: plainRandomTarget) { target in
            guard let fast = TargetCanonicalizer.plainCanonical(target) else { return }
            let thorough = TargetCanonicalizer.canonicalizeThoroughly(target)
            #expect(fast == thorough, "\(target)")
        }
    }

    @Test func fastPathStepsAsideForEveryAmbiguousTarget() async {
        await propertyCheck(count: 3000, input: randomTarget) { target in
            let thorough = TargetCanonicalizer.canonicalizeThoroughly(target)
            if let fast = TargetCanonicalizer.plainCanonical(target) {
                #expect(fast == thorough, "\(target)")
            }
            #expect(TargetCanonicalizer.canonicalize(target) == thorough, "\(target)")
        }
    }

    @Test(arguments: [
        "/", "/1k.bin", "/company/1/Users", "/a//b/", "/api/v2/x?y=1", "/?", "/a/?x=%2f", "/.a/b.c/",
    ])
    func commonTargetsTakeTheFastPath(target: String) {
        let fast = TargetCanonicalizer.plainCanonical(target)
        #expect(fast != nil)
        #expect(fast == TargetCanonicalizer.canonicalizeThoroughly(target))
    }

    @Test(arguments: [
        "/a/../b", "/a/./b", "/a.", "/%2e", "/a;b", "/a\\b", "//host/x", "/a#b", "/a?b#c", "/é", "/a b", "/a?\u{01}",
        "x", "",
    ])
    func ambiguousOrUnusualTargetsTakeTheFullAnalysis(target: String) {
        #expect(TargetCanonicalizer.plainCanonical(target) == nil)
    }
}
