import NIOHTTP1
import Testing

@testable import Gate

@Suite struct ContentNegotiationTests {
    @Test(arguments: [
        ("application/json", true),
        ("application/json, text/plain, */*", true),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false),
        ("text/html, application/json", false),
        ("application/json, text/html", true),
        ("text/html;q=0.5, application/json", true),
        ("application/json;q=0.5, text/html", false),
        ("application/json;q=0", false),
        ("application/*", true),
        ("application/*;q=0.9, text/*;q=0.8", true),
        ("*/*", false),
        ("", false),
        ("text/plain", false),
        ("application/json;q=abc, text/html;q=0.1", false),
        ("APPLICATION/JSON", true),
        ("application/json ; q=0.8 , text/html ; q=0.7", true),
    ])
    func accept(value: String, json: Bool) {
        #expect(ContentNegotiation.prefersJSON(HTTPHeaders([("Accept", value)])) == json, "\(value)")
    }

    @Test func xmlHttpRequestMeansJSON() {
        #expect(
            ContentNegotiation.prefersJSON(
                HTTPHeaders([("X-Requested-With", "XMLHttpRequest"), ("Accept", "text/html")])
            )
        )
        #expect(ContentNegotiation.prefersJSON(HTTPHeaders([("x-requested-with", "xmlhttprequest")])))
        #expect(!ContentNegotiation.prefersJSON(HTTPHeaders([("X-Requested-With", "com.example.app")])))
        #expect(!ContentNegotiation.prefersJSON(HTTPHeaders()))
    }

    @Test(arguments: [
        ("en", true),
        ("en-US,en;q=0.9", true),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", false),
        ("en-US,en;q=0.9,ru;q=0.8", true),
        ("ru;q=0.5, en;q=0.6", true),
        ("de-DE, de;q=0.9", false),
        ("de, en;q=0.5", true),
        ("*", false),
        ("", false),
        ("EN-gb", true),
        ("en;q=0, ru;q=0", false),
        ("ru, *;q=0.5", false),
        // Ties: the more specific range, then the earlier one.
        ("en, ru", true),
        ("ru, en", false),
        ("en-US, ru-RU", true),
        ("en, *", true),
        ("*, en", true),
        ("ru, *", false),
        ("*, ru", false),
        ("de, *", false),
        ("en;q=0.5, ru;q=0.5", true),
        ("ru;q=0.5, en;q=0.5", false),
        ("en;q=0, *", false),
    ])
    func acceptLanguage(value: String, english: Bool) {
        #expect(ContentNegotiation.prefersEnglish(HTTPHeaders([("Accept-Language", value)])) == english, "\(value)")
    }
}
