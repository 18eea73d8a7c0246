import Foundation
import Logging
import Synchronization
import Testing

@testable import Gateway

@Suite struct JSONLogHandlerTests {
    /// Parses one line as a JSON object (the line must be exactly one object and a newline).
    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(value as? [String: Any])
    }

    @Test func writesTheFixedFieldsAndFlattensMetadata() throws {
        let line = JSONLogHandler.line(
            timestamp: Date(timeIntervalSince1970: 1_795_000_000.25),
            level: .warning,
            label: "freezegate",
            message: "profile reload failed",
            metadata: [
                "status": .stringConvertible(403),
                "config": .string("/etc/freezegate/profile.yaml"),
                "upstream": .dictionary(["host": .string("crm"), "port": .string("8000")]),
                "tags": .array([.string("a"), .string("b")]),
            ]
        )
        let json = try object(line)
        #expect(json["timestamp"] as? String == "2026-11-18T11:06:40.250Z")
        #expect(json["level"] as? String == "warning")
        #expect(json["label"] as? String == "freezegate")
        #expect(json["message"] as? String == "profile reload failed")
        #expect(json["status"] as? String == "403")
        #expect(json["config"] as? String == "/etc/freezegate/profile.yaml")
        #expect(json["upstream.host"] as? String == "crm")
        #expect(json["upstream.port"] as? String == "8000")
        #expect(json["tags"] as? [String] == ["a", "b"])
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let nasty = "say \"hi\"\\ \n\r\t\u{01}\u{7F} line\u{2028}end — привет"
        let line = JSONLogHandler.line(
            timestamp: Date(timeIntervalSince1970: 0),
            level: .info,
            label: "freezegate.access",
            message: nasty,
            metadata: ["target": .string(nasty), "we\"ird\nkey": .string("x")]
        )
        #expect(!line.dropLast().contains("\n"))
        #expect(line.contains(#"\u0001"#))
        #expect(line.contains(#"\u007f"#))
        let json = try object(line)
        #expect(json["message"] as? String == nasty)
        #expect(json["target"] as? String == nasty)
        #expect(json["we\"ird\nkey"] as? String == "x")
        #expect(json["timestamp"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test func metadataNeverReplacesTheFixedFields() throws {
        let line = JSONLogHandler.line(
            timestamp: Date(timeIntervalSince1970: 0),
            level: .error,
            label: "freezegate",
            message: "real",
            metadata: ["message": .string("forged"), "level": .string("trace")]
        )
        let json = try object(line)
        #expect(json["message"] as? String == "real")
        #expect(json["level"] as? String == "error")
        #expect(line.components(separatedBy: "\"message\"").count == 2)
    }

    @Test func mergesHandlerAndCallMetadataAndHonoursTheLevel() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(
            label: "freezegate",
            now: { Date(timeIntervalSince1970: 60) },
            sink: { line in
                lines.withLock { $0.append(line) }
            }
        )
        handler.logLevel = .notice
        var logger = Logger(label: "freezegate") { _ in handler }
        logger[metadataKey: "instance"] = "gw-1"
        logger.info("dropped: below notice")
        logger.notice("kept", metadata: ["instance": "override", "tenant_count": "3"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let json = try object(try #require(written.first))
        #expect(json["message"] as? String == "kept")
        #expect(json["instance"] as? String == "override")
        #expect(json["tenant_count"] as? String == "3")
        #expect(json["timestamp"] as? String == "1970-01-01T00:01:00.000Z")
    }

    /// swift-log's event entry point writes the same line, with the event's error as `error`.
    @Test func logEventCarriesItsError() throws {
        struct Failure: Error, CustomStringConvertible { var description: String { "upstream refused" } }
        let lines = Mutex<[String]>([])
        let handler = JSONLogHandler(label: "freezegate", sink: { line in lines.withLock { $0.append(line) } })
        handler.log(
            event: LogEvent(
                level: .error,
                message: "reload failed",
                error: Failure(),
                metadata: ["config": .string("profile.yaml")],
                source: "freezegate",
                file: #fileID,
                function: #function,
                line: #line
            )
        )
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let json = try object(try #require(written.first))
        #expect(json["message"] as? String == "reload failed")
        #expect(json["level"] as? String == "error")
        #expect(json["error"] as? String == "upstream refused")
        #expect(json["config"] as? String == "profile.yaml")
    }
}
