import Testing

@testable import Postgres

@Suite("Text PostgreSQL can store")
struct PostgresTextTests {
    @Test func eachNULBecomesTheReplacementCharacterAndTheRestIsKept() {
        #expect(PostgresText.storable("Fr\u{0}eeze \u{0}\u{0}лето") == "Fr\u{FFFD}eeze \u{FFFD}\u{FFFD}лето")
        #expect(PostgresText.storable("\u{0}") == "\u{FFFD}")
        #expect(PostgresText.storable("Заморозка 👋") == "Заморозка 👋")
        #expect(PostgresText.storable("") == "")
    }

    @Test func theFirstParameterHoldingANULIsNamedFromOne() {
        #expect(PostgresText.firstParameterWithNUL(["a", nil, "b"]) == nil)
        #expect(PostgresText.firstParameterWithNUL([nil, "a\u{0}", "\u{0}"]) == 2)
        #expect(PostgresText.firstParameterWithNUL([]) == nil)
    }
}
