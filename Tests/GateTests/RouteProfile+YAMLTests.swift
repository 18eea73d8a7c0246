import Foundation
import Testing

@testable import Gate

@Suite struct RouteProfileYAMLTests {
    func parse(_ yaml: String, files: [String: String] = [:]) throws(RouteProfileError) -> RouteProfile {
        try RouteProfile(yaml: yaml, source: "test.yaml") { path in
            guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
    }

    func failure(_ yaml: String, files: [String: String] = [:]) -> RouteProfileError? {
        do {
            _ = try self.parse(yaml, files: files)
            return nil
        } catch {
            return error
        }
    }

    @Test func fullProfile() throws {
        let profile = try self.parse(
            """
            base_domains: [s20.online, EU.S20.Online.]
            trusted_proxies: [10.0.0.0/8, 192.168.1.1, "fd00::/8"]
            block_status: 402
            licensing_url: /company/{branch}/licensing/pay
            when_state_unknown: block
            max_snapshot_age: 300
            unknown: forward
            template:
              html_ru: ru.mustache
              html_en: en.mustache
            classes:
              - name: licensing
                patterns: [/company/*/licensing, /company/*/licensing/**]
                action: forward
              - name: admin
                patterns:
                  - /company/**
                action: block
                licensing_link: true
              - name: reports
                patterns: [/reports/*/pdf]
                action: block
            """,
            files: ["ru.mustache": "<p>{{tenant}} заморожен</p>", "en.mustache": "<p>{{tenant}} frozen</p>"]
        )
        #expect(profile.classes.map(\.name) == ["licensing", "admin", "reports"])
        #expect(profile.classes[1].licensingLink)
        #expect(profile.classes[2].action == .block)
        #expect(profile.unknownAction == .forward)
        #expect(profile.blockStatus == 402)
        #expect(profile.whenStateUnknown == .block)
        #expect(profile.maxSnapshotAge == 300)
        #expect(profile.baseDomains == ["s20.online", "eu.s20.online"])
        #expect(profile.trustedProxies == ["10.0.0.0/8", "192.168.1.1", "fd00::/8"])
        #expect(profile.licensingURL(for: ["company", "3"]) == "/company/3/licensing/pay")
        #expect(profile.templates.russian == "<p>{{tenant}} заморожен</p>")
        #expect(profile.classify(["reports", "1", "pdf"]).name == "reports")
    }

    @Test func policyOnlyProfileKeepsTheBuiltInClasses() throws {
        let profile = try self.parse("when_state_unknown: block\n")
        #expect(profile.classes == RouteProfile.alfaCRM.classes)
        #expect(profile.whenStateUnknown == .block)
        #expect(profile.templates == .builtIn)
    }

    @Test(arguments: [
        ("classes:\n  - name: admin\n    patterns: [/company/**]\n    action: allow\n", 4, "unknown action 'allow'"),
        (
            "classes:\n  - name: admin\n    patterns: [/company/**]\n    action: block\n    colour: red\n", 5,
            "unknown class key 'colour'"
        ),
        ("block_status: 403\nfrobnicate: 1\n", 2, "unknown key 'frobnicate'"),
        (
            "classes:\n  - name: admin\n    patterns:\n      - /company/**\n      - /x/**/y\n    action: block\n", 5,
            "malformed pattern '/x/**/y'"
        ),
        ("classes:\n  - name: admin\n    patterns: [/company//x]\n    action: block\n", 3, "malformed pattern"),
        (
            "classes:\n  - name: admin\n    patterns: [/company/**]\n    action: block\n  - name: licensing\n    patterns:\n      - /company/*/licensing\n    action: forward\n",
            7, "shadowed by the earlier '/company/**' of class 'admin' (line 3)"
        ),
        ("classes:\n  - name: a\n    patterns: [/x/**, /x/y]\n    action: block\n", 3, "shadowed"),
        ("classes:\n  - name: unknown\n    patterns: [/x]\n    action: block\n", 2, "'unknown' is not a class name"),
        (
            "classes:\n  - name: a\n    patterns: [/x]\n    action: block\n  - name: a\n    patterns: [/y]\n    action: block\n",
            5, "defined twice"
        ),
        ("classes:\n  - name: a\n    action: block\n", 2, "needs at least one pattern"),
        ("classes:\n  - name: a\n    patterns: [/x]\n", 2, "needs an action"),
        ("classes:\n  - patterns: [/x]\n    action: block\n", 2, "needs a name"),
        ("classes:\n  - name: Admin!\n    patterns: [/x]\n    action: block\n", 2, "class name"),
        ("unknown: maybe\n", 1, "unknown action 'maybe'"),
        ("when_state_unknown: perhaps\n", 1, "unknown action 'perhaps'"),
        ("block_status: 200\n", 1, "block_status"),
        ("block_status: teapot\n", 1, "block_status"),
        ("max_snapshot_age: -5\n", 1, "max_snapshot_age"),
        ("licensing_url: /company/{id}/licensing\n", 1, "licensing_url"),
        ("licensing_url: company/licensing\n", 1, "licensing_url"),
        ("base_domains: [\"bad domain\"]\n", 1, "not a domain name"),
        ("base_domains: []\n", 1, "must not be empty"),
        ("trusted_proxies: [10.0.0.300]\n", 1, "not an IP address"),
        ("trusted_proxies: [10.0.0.0/33]\n", 1, "not an IP address"),
        ("template:\n  html_ru: missing.mustache\n", 2, "cannot read template"),
        ("template:\n  html_de: x.mustache\n", 2, "unknown template key 'html_de'"),
        ("classes: {admin: 1}\n", 1, "must be a list"),
        ("block_status: 403\nblock_status: 404\n", 1, "duplicated key"),
        ("classes:\n  - name: a\n    patterns: [/x\n", 4, "invalid YAML"),
    ])
    func errorsNameTheLine(yaml: String, line: Int, message: String) {
        let error = self.failure(yaml)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("test.yaml:\(line): ") == true, "\(String(describing: error))")
    }

    @Test func invalidTemplateIsRefused() {
        let error = self.failure(
            "template:\n  html_en: bad.mustache\n",
            files: ["bad.mustache": "{{#open}} never closed"]
        )
        #expect(error?.line == 2)
        #expect(error?.message.contains("not valid Mustache") == true)
    }

    @Test func emptyFileIsRefused() {
        #expect(self.failure("")?.message == "the profile is empty")
        #expect(self.failure("[1, 2]")?.message.contains("must be a mapping") == true)
    }

    /// The gateway's own settings: kept as written when the caller declares the key, refused
    /// (with the declared keys among the expected ones) when it does not.
    @Test func declaredSettingKeysAreKeptAsWritten() throws {
        let yaml = "block_status: 402\nlisten: 0.0.0.0:80\ntls_cert: [a.pem, b.pem]\nproxy_protocol: true\n"
        let profile = try RouteProfile(
            yaml: yaml,
            source: "test.yaml",
            settingKeys: ["listen", "tls_cert", "proxy_protocol"]
        ) { _ in "" }
        #expect(profile.blockStatus == 402)
        #expect(profile.settings["listen"] == ProfileSetting(values: ["0.0.0.0:80"], isList: false, line: 2))
        #expect(profile.settings["tls_cert"] == ProfileSetting(values: ["a.pem", "b.pem"], isList: true, line: 3))
        #expect(profile.settings["proxy_protocol"]?.values == ["true"])
        let unset = try RouteProfile(
            yaml: "listen: null\ntls_cert: ~\n",
            source: "t.yaml",
            settingKeys: ["listen", "tls_cert"]
        ) {
            _ in ""
        }
        #expect(unset.settings.isEmpty)
        let undeclared = self.failure(yaml)
        #expect(undeclared?.line == 2)
        #expect(undeclared?.message.hasPrefix("unknown key 'listen'") == true)
        let nested = #expect(throws: RouteProfileError.self) {
            try RouteProfile(yaml: "listen:\n  host: x\n", source: "test.yaml", settingKeys: ["listen"]) { _ in "" }
        }
        #expect(nested?.message == "listen must be a value or a list of values")
        let unknown = #expect(throws: RouteProfileError.self) {
            try RouteProfile(yaml: "lisen: x\n", source: "test.yaml", settingKeys: ["listen"]) { _ in "" }
        }
        #expect(unknown?.message.contains("listen") == true)
    }
}
