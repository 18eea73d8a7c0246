import ArgumentParser
import Gate
import Gateway
import Testing

@testable import FreezeGateCLI

/// Flag > environment > config file > default for one declared setting, and how a bad value is
/// named; no I/O.
struct ServeSettingResolverTests {
    let listen = ServeSettingCatalog.listen
    let tlsCert = ServeSettingCatalog.tlsCert

    func resolver(
        flags: [String: [String]] = [:],
        environment: [String: String] = [:],
        file: [String: ProfileSetting] = [:]
    ) -> ServeSettingResolver {
        ServeSettingResolver(flags: flags, environment: environment, file: file, filePath: "/etc/fg/profile.yaml")
    }

    @Test func eachSourceWinsOverTheOnesAfterIt() throws {
        let file = ["listen": ProfileSetting(values: ["file:1"], isList: false, line: 4)]
        let environment = ["FREEZEGATE_LISTEN": "env:1"]
        let flags = ["listen": ["flag:1"]]
        var all = self.resolver(flags: flags, environment: environment, file: file)
        #expect(try all.text(self.listen).value == "flag:1")
        var noFlag = self.resolver(environment: environment, file: file)
        #expect(try noFlag.text(self.listen).value == "env:1")
        var fileOnly = self.resolver(file: file)
        let fromFile = try fileOnly.text(self.listen)
        #expect(fromFile.value == "file:1")
        #expect(fromFile.found?.origin == "/etc/fg/profile.yaml:4: listen")
        #expect(
            fileOnly.entries == [
                ConfigurationEntry(key: "listen", value: .string("file:1"), source: .configFile("/etc/fg/profile.yaml"))
            ]
        )
        var none = self.resolver(environment: ["FREEZEGATE_LISTEN": ""])
        #expect(try none.text(self.listen, default: "d:1").value == "d:1")
        #expect(none.entries.first?.source == .builtIn)
    }

    @Test func listsComeFromRepeatedFlagsCommasOrYAMLLists() throws {
        var environment = self.resolver(environment: ["FREEZEGATE_TLS_CERT": " a.pem, ,b.pem "])
        #expect(try environment.list(self.tlsCert).values == ["a.pem", "b.pem"])
        var file = self.resolver(file: [
            "tls_cert": ProfileSetting(values: ["a.pem", "/abs/b.pem"], isList: true, line: 2)
        ])
        // Relative names in the file are relative to the file's folder.
        #expect(try file.list(self.tlsCert).values == ["/etc/fg/a.pem", "/abs/b.pem"])
        var single = self.resolver(file: ["tls_cert": ProfileSetting(values: ["c.pem"], isList: false, line: 2)])
        #expect(try single.list(self.tlsCert).values == ["/etc/fg/c.pem"])
    }

    @Test func aListWhereOneValueBelongsIsRefused() {
        var resolver = self.resolver(file: ["listen": ProfileSetting(values: ["a:1", "b:2"], isList: true, line: 7)])
        let error = #expect(throws: ValidationError.self) { try resolver.text(self.listen) }
        #expect(error?.message == "/etc/fg/profile.yaml:7: listen: must be one value, not a list")
    }

    @Test func numbersAreCheckedAndNamedByTheirOrigin() throws {
        let setting = ServeSettingCatalog.drainTimeout
        func seconds(_ resolver: inout ServeSettingResolver) throws -> Double? {
            try resolver.number(setting, default: 20, expectation: "must be positive", isValid: { $0 > 0 })
        }
        var fallback = self.resolver()
        #expect(try seconds(&fallback) == 20)
        #expect(fallback.entries.first?.value == .number("20.0"))
        var notANumber = self.resolver(environment: ["FREEZEGATE_DRAIN_TIMEOUT": "soon"])
        let error = #expect(throws: ValidationError.self) { try seconds(&notANumber) }
        #expect(error?.message == "FREEZEGATE_DRAIN_TIMEOUT: 'soon' is not a number")
        var negative = self.resolver(file: ["drain_timeout": ProfileSetting(values: ["-1"], isList: false, line: 3)])
        let refused = #expect(throws: ValidationError.self) { try seconds(&negative) }
        #expect(refused?.message == "/etc/fg/profile.yaml:3: drain_timeout: must be positive")
        var whole = self.resolver(flags: ["max_connections": ["2.5"]])
        let fraction = #expect(throws: ValidationError.self) {
            try whole.integer(ServeSettingCatalog.maxConnections, default: nil, expectation: "", isValid: { _ in true })
        }
        #expect(fraction?.message == "--max-connections: '2.5' is not a whole number")
    }

    @Test(arguments: [
        ("true", true), ("YES", true), ("1", true), ("on", true), ("false", false), ("no", false), ("0", false),
    ])
    func togglesReadTheUsualWords(text: String, expected: Bool) throws {
        var resolver = self.resolver(environment: ["FREEZEGATE_PROXY_PROTOCOL": text])
        #expect(try resolver.toggle(ServeSettingCatalog.proxyProtocol) == expected)
    }

    @Test func aToggleRefusesOtherWords() {
        var resolver = self.resolver(file: ["proxy_protocol": ProfileSetting(values: ["maybe"], isList: false, line: 1)]
        )
        let error = #expect(throws: ValidationError.self) { try resolver.toggle(ServeSettingCatalog.proxyProtocol) }
        #expect(error?.message == "/etc/fg/profile.yaml:1: proxy_protocol: 'maybe' is not true or false")
    }

    @Test func theAccessLogsWordsAreNoFileNames() {
        #expect(ServeSettingResolver.relative("-", toFileAt: "/etc/fg/p.yaml") == "-")
        #expect(ServeSettingResolver.relative("off", toFileAt: "/etc/fg/p.yaml") == "off")
        #expect(ServeSettingResolver.relative("logs/a.log", toFileAt: "/etc/fg/p.yaml") == "/etc/fg/logs/a.log")
    }
}
