import NIOHTTP1
import Testing

@testable import HTTPHead

@Suite struct RequestFieldsTests {
    static func fields(_ pairs: [(String, [UInt8])]) -> RequestFields {
        var fields = RequestFields()
        for (name, value) in pairs { fields.append(name: Array(name.utf8), value: value) }
        return fields
    }

    @Test func eachFieldIsOneLineInOrder() {
        let fields = Self.fields([("Host", Array("a.b".utf8)), ("X-Empty", []), ("Accept", Array("*/*".utf8))])
        #expect(fields.lines == Array("Host: a.b\r\nX-Empty: \r\nAccept: */*\r\n".utf8))
        #expect(fields.count == 3)
        #expect(fields.nameText(at: 1) == "X-Empty")
        #expect(fields.value(at: 1).isEmpty)
        #expect(Array(fields.value(at: 2)) == Array("*/*".utf8))
        #expect(fields.lineRange(at: 0) == 0..<11)
        #expect(fields.lineRange(at: 1) == 11..<22)
        #expect(fields.lineRange(at: 2) == 22..<35)
    }

    /// A line as received keeps its spacing around the colon and the value; its value is read
    /// without it; removing others keeps it as it was.
    @Test func aLineAsReceivedIsKeptByteForByte() {
        var fields = RequestFields()
        for (line, name, value) in [
            ("X-A:b", 0..<3, 4..<5), ("X-B:   padded \t ", 0..<3, 7..<13), ("Host: h", 0..<4, 6..<7),
        ] {
            Array(line.utf8).withUnsafeBytes { fields.append(line: $0, name: name, value: value) }
        }
        fields.append(name: Array("Made".utf8), value: Array("here".utf8))
        #expect(fields.lines == Array("X-A:b\r\nX-B:   padded \t \r\nHost: h\r\nMade: here\r\n".utf8))
        #expect(fields.nameText(at: 1) == "X-B")
        #expect(Array(fields.value(at: 0)) == Array("b".utf8))
        #expect(Array(fields.value(at: 1)) == Array("padded".utf8))
        #expect(fields.lineRange(at: 1) == 7..<25)
        #expect(fields.firstIndex(of: "host") == 2)
        let kept = fields.removing { $0 == 0 }
        #expect(kept.lines == Array("X-B:   padded \t \r\nHost: h\r\nMade: here\r\n".utf8))
        #expect(Array(kept.value(at: 0)) == Array("padded".utf8))
        #expect(Array(kept.value(at: 2)) == Array("here".utf8))
        #expect(kept.lineRange(at: 1) == 18..<27)
    }

    @Test func forEachReadsEveryFieldInPlace() {
        let fields = Self.fields([("A", [0x31]), ("Bb", [0x32, 0x33]), ("C", [])])
        var seen: [String] = []
        fields.forEach { index, name, value in
            seen.append("\(index) \(String(decoding: name, as: UTF8.self))=\(String(decoding: value, as: UTF8.self))")
        }
        #expect(seen == ["0 A=1", "1 Bb=23", "2 C="])
    }

    /// obs-text is held as the bytes that arrived and read as one scalar per byte, the form the
    /// gateway's `HTTPHeaders` carry (and turned back into the same bytes).
    @Test func valuesStayBytesAndReadOneScalarPerByte() {
        let latin1: [UInt8] = [0x66, 0x69, 0x6C, 0x65, 0xE9, 0xFF]
        let utf8 = Array("отчёт.pdf".utf8)
        let fields = Self.fields([("X-Name", latin1), ("X-Title", utf8)])
        #expect(Array(fields.value(at: 0)) == latin1)
        #expect(fields.valueText(at: 0).unicodeScalars.map(\.value) == latin1.map(UInt32.init))
        #expect(fields.valueText(at: 1).unicodeScalars.count == utf8.count)
        #expect(RequestFields(fields.headers) == fields)
        #expect(fields.headers[canonicalForm: "x-name"].map(String.init) == [fields.valueText(at: 0)])
    }

    @Test func namesCompareIgnoringASCIICase() {
        let fields = Self.fields([("HoSt", []), ("Hosts", []), ("host", [])])
        #expect(fields.name(at: 0, is: "host"))
        #expect(!fields.name(at: 1, is: "host"))
        #expect(fields.firstIndex(of: "hosts") == 1)
        #expect(fields.firstIndex(of: "accept") == nil)
        #expect(RequestFields.equalsLowercased(UnsafeRawBufferPointer(start: nil, count: 0), ""))
        // Only letters fold: `[` (0x5B) is not `{` (0x7B).
        #expect(!Self.fields([("a[", [])]).name(at: 0, is: "a{"))
    }

    @Test func valuesOfANameInOrder() {
        let fields = Self.fields([
            ("X-Forwarded-For", Array("1.1.1.1".utf8)), ("Accept", []),
            ("x-forwarded-for", Array("2.2.2.2, 3.3.3.3".utf8)),
        ])
        #expect(fields.values(of: "x-forwarded-for") == ["1.1.1.1", "2.2.2.2, 3.3.3.3"])
        #expect(fields.values(of: "via").isEmpty)
    }

    @Test func removingKeepsTheOthersAsTheyWere() {
        let fields = Self.fields([("A", [0x31]), ("B", [0xE9]), ("C", [0x33]), ("D", [])])
        let kept = fields.removing { $0 == 0 || $0 == 2 }
        #expect(kept.lines == Array("B: ".utf8) + [0xE9] + Array("\r\nD: \r\n".utf8))
        #expect(kept.nameText(at: 1) == "D")
        #expect(fields.removing { _ in false } == fields)
        #expect(fields.removing { _ in true }.isEmpty)
    }

    @Test func nioHeadersRoundTrip() {
        let headers = HTTPHeaders([("Host", "acme.s20.online"), ("Cookie", "a=1; b=2"), ("X-Latin", "caf\u{E9}")])
        let fields = RequestFields(headers)
        #expect(fields.headers == headers)
        #expect(Array(fields.value(at: 2)) == [0x63, 0x61, 0x66, 0xE9])
        let head = HTTPRequestHead(version: .http1_0, method: .POST, uri: "/v2api/x", headers: headers)
        #expect(RequestHead(head).httpRequestHead == head)
    }

    /// Bytes that are not contiguous (a lazy view) are appended like an array's.
    @Test func anyCollectionAppends() {
        var fields = RequestFields()
        fields.append(name: "X".utf8.lazy.map { $0 }, value: [0x61, 0x62].lazy.map { $0 })
        #expect(fields == Self.fields([("X", [0x61, 0x62])]))
    }
}
