import Testing

@testable import Proxy

@Suite struct HeadFieldReadingTests {
    static func read(_ fields: [(String, String)]) -> (HeadFieldReading, RequestRejection?) {
        var reading = HeadFieldReading()
        for (name, value) in fields {
            let rejection = Array(name.utf8).withUnsafeBytes { name in
                Array(value.utf8).withUnsafeBytes { value in reading.read(name: name, value: value) }
            }
            if let rejection { return (reading, rejection) }
        }
        return (reading, nil)
    }

    @Test func readsTheFramingAndUpgradeFieldsWhateverTheirCase() {
        let (reading, rejection) = Self.read([
            ("CONTENT-length", "42"), ("Transfer-Encoding", "gzip, Chunked"), ("hOsT", "a.b"), ("Upgrade", "websocket"),
            ("connection", "keep-alive, UPGRADE"), ("Accept", "*/*"),
        ])
        #expect(rejection == nil)
        #expect(reading.contentLength == 42 && reading.contentLengthLines == 1)
        #expect(reading.hasTransferEncoding && reading.transferCodings == ["gzip", "chunked"])
        #expect(reading.hostLines == 1 && reading.hasUpgrade && reading.connectionUpgrade)
    }

    /// Names of the lengths the rules pick, but other names, change nothing.
    @Test func namesOfTheSameLengthAreNotTheFields() {
        let (reading, rejection) = Self.read([
            ("Content-Lengtx", "x"), ("Transfer-Encodinx", "chunked"), ("Hosx", "a"), ("Upgradx", "y"),
            ("Connectiox", "upgrade"),
        ])
        #expect(rejection == nil)
        #expect(reading.contentLength == nil && reading.contentLengthLines == 0)
        #expect(!reading.hasTransferEncoding && reading.transferCodings.isEmpty)
        #expect(reading.hostLines == 0 && !reading.hasUpgrade && !reading.connectionUpgrade)
    }

    @Test func aRepeatedOrInvalidContentLengthIsRefused() {
        #expect(Self.read([("Content-Length", "1"), ("Content-Length", "1")]).1?.reason == "repeated Content-Length")
        #expect(Self.read([("Content-Length", "1a")]).1?.reason == "invalid Content-Length")
        #expect(Self.read([("Host", "a"), ("host", "b")]).0.hostLines == 2)
        #expect(!Self.read([("Connection", "close, upgrades")]).0.connectionUpgrade)
    }
}
