import Testing

@testable import Proxy

/// Comma-separated field values as both directions read them.
struct FieldValueListTests {
    private func elements(_ value: String, _ empty: FieldValueList.EmptyElements) -> [String] {
        var found: [String] = []
        FieldValueList.forEachElement(of: Array(value.utf8), emptyElements: empty) {
            found.append(String(decoding: $0, as: UTF8.self))
        }
        return found
    }

    @Test func elementsAreTrimmedOfOptionalWhitespaceOnly() {
        #expect(self.elements("keep-alive, Upgrade", .skipped) == ["keep-alive", "Upgrade"])
        #expect(self.elements(" \ta b\t ,c", .skipped) == ["a b", "c"])
        #expect(self.elements("x", .skipped) == ["x"])
    }

    @Test func emptyElementsAreSkippedOrReportedAsAsked() {
        for value in ["", ",", " , ,", "a,,b", "a,", ",a"] {
            let kept = self.elements(value, .reported)
            #expect(kept.count == value.filter { $0 == "," }.count + 1, "\(value.debugDescription)")
            #expect(self.elements(value, .skipped) == kept.filter { !$0.isEmpty }, "\(value.debugDescription)")
        }
        #expect(self.elements("chunked,", .reported) == ["chunked", ""])
    }

    /// The same elements from a slice that does not start at index 0 and from a String's UTF-8 view.
    @Test func anyCollectionOfBytes() {
        let bytes = Array("xx close ,TE".utf8)
        var fromSlice: [String] = []
        FieldValueList.forEachElement(of: bytes[2...], emptyElements: .skipped) {
            fromSlice.append(String(decoding: $0, as: UTF8.self))
        }
        #expect(fromSlice == ["close", "TE"])
        var fromString: [String] = []
        FieldValueList.forEachElement(of: "a ,b".utf8, emptyElements: .skipped) {
            fromString.append(String(Substring($0)))
        }
        #expect(fromString == ["a", "b"])
    }
}
