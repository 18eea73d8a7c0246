import MailIntake
import Testing

@Suite("Message parsing")
struct MessageParserTests {
    private func parse(_ text: String) -> MIMEEntity { MessageParser.parse(Array(text.utf8)) }

    @Test func unfoldsHeaders() {
        let message = parse("Subject: a long\r\n\tsubject\r\nTo: x@y.example\r\n\r\nbody")
        #expect(message.headers.first("subject") == "a long\tsubject")
        #expect(message.headers.first("To") == "x@y.example")
        #expect(message.body == Array("body".utf8))
    }

    @Test func decodesEncodedWords() {
        #expect(EncodedWords.decode("=?UTF-8?B?0JfQsNC80L7RgNC+0LfQutCw?=") == "Заморозка")
        #expect(EncodedWords.decode("=?utf-8?Q?Caf=C3=A9_au_lait?=") == "Café au lait")
        // Whitespace between encoded words goes; around plain words it stays.
        #expect(EncodedWords.decode("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c") == "ab c")
        #expect(EncodedWords.decode("Re: =?KOI8-R?B?8NLJ18XU?=") == "Re: Привет")
        #expect(EncodedWords.decode("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=") == "Привет")
        #expect(EncodedWords.decode("no =?bogus") == "no =?bogus")
    }

    @Test func decodesQuotedPrintableWithSoftBreaks() {
        let decoded = QuotedPrintable.decode(Array("caf=C3=A9 is=\r\n long=\nline =ZZ".utf8))
        #expect(String(decoding: decoded, as: UTF8.self) == "café is longline =ZZ")
    }

    @Test func decodesCharsetsRussianMailUses() {
        #expect(CharsetDecoder.decode([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], charset: "KOI8-R") == "Привет")
        #expect(CharsetDecoder.decode([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], charset: "windows-1251") == "Привет")
        #expect(CharsetDecoder.decode([0xE9], charset: "iso-8859-1") == "é")
        #expect(CharsetDecoder.decode(Array("ё".utf8), charset: nil) == "ё")
    }

    @Test func picksThePlainAlternativeAndReadsNestedParts() {
        let message = parse(
            """
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            0L/RgNC40LLQtdGC
            --inner
            Content-Type: text/html

            <p>html</p>
            --inner--
            --outer
            Content-Type: application/pdf
            Content-Disposition: attachment; filename="x.pdf"

            %PDF 1 June 2027
            --outer--
            """
        )
        #expect(message.children.count == 2)
        #expect(MessageText.readable(message) == "привет")
    }

    @Test func readsHTMLOnlyMailAsTextWithoutItsQuotedHistory() {
        let text = HTMLText.text(
            of:
                "<html><head><style>p{}</style></head><body><p>Freeze&nbsp;acme &amp; co</p><br>"
                + "<div class=\"gmail_quote\">old 1 June 2026</div></body></html>"
        )
        #expect(text.contains("Freeze acme & co"))
        #expect(!text.contains("2026"))
        #expect(!text.contains("p{}"))
    }
}
