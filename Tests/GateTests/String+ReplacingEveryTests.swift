import Foundation
import Testing

@testable import Gate

/// The Swift replacement agrees with Foundation's `replacingOccurrences(of:with:)`, which it replaces.
@Suite struct StringReplacingEveryTests {
    @Test(arguments: [
        "/company/{branch}/licensing", "{branch}", "{branch}{branch}", "/x/{branch", "/x/branch}", "",
        "https://школа.рф/{branch}/оплата?b={branch}", "{{branch}}", "/company/1/licensing",
    ])
    func agreesWithFoundation(template: String) {
        for branch in ["1", "42", "", "{branch}"] {
            #expect(
                template.replacingEvery("{branch}", with: branch)
                    == template.replacingOccurrences(of: "{branch}", with: branch)
            )
        }
    }
}
