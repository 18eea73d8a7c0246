import Foundation
import Gate
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TenantModel
import TenantState
import TestSupport
import Testing

@testable import Gateway

/// The SIGHUP reload, called directly: a good file changes what the next request gets, a broken
/// one is rejected and the running profile stays.
@Suite struct ProfileReloaderTests {
    /// Files the tests write, removed with the folder when the test ends.
    let scratch: TemporaryDirectory

    init() throws {
        self.scratch = try TemporaryDirectory(prefix: "freezegate-reload")
    }

    static let logger: Logger = {
        var logger = Logger(label: "reload-test")
        logger.logLevel = .critical
        return logger
    }()

    /// With no tenant snapshot loaded, `when_state_unknown` alone decides an admin request.
    static let forwarding = "when_state_unknown: forward\nbase_domains:\n  - s20.online\n"
    static let blocking = "when_state_unknown: block\nblock_status: 451\nbase_domains:\n  - s20.online\n"

    struct Fixture {
        let path: String
        let store: GateStore
        let decider: GateDecider
        /// An event loop's decider, made before any reload: it keeps its Gate and its pages, and
        /// must still see every reload.
        let loopDecider: any EventLoopRequestDecider
        let reloader: ProfileReloader

        func write(_ yaml: String) throws {
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        }

        func decideAdmin() -> ProxyDecision {
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/company/1/dashboard")
            head.headers.add(name: "Host", value: "acme.s20.online")
            let request = InboundRequest(head: head, remoteAddress: nil, isTLS: false, requestID: "r1")
            let shared = decider.decide(request)
            let onLoop = loopDecider.decide(request)
            #expect(Self.body(shared) == Self.body(onLoop))
            return onLoop
        }

        static func body(_ decision: ProxyDecision) -> String? {
            guard case .respond(let response, _) = decision else { return nil }
            return String(buffer: response.body)
        }
    }

    func fixture(initial: String, baseDomainsOverride: [String]? = nil) throws -> Fixture {
        let path = self.scratch.path + "/profile-\(UUID().uuidString).yaml"
        try initial.write(toFile: path, atomically: true, encoding: .utf8)
        let profile = try RouteProfile.load(contentsOfFile: path)
        let store = GateStore(Gate(profile: profile, baseDomains: baseDomainsOverride ?? profile.baseDomains ?? []))
        let decider = GateDecider(store: store, snapshots: .reading { nil }, clock: SystemWallClock())
        let reloader = ProfileReloader(
            path: path,
            baseDomainsOverride: baseDomainsOverride,
            store: store,
            logger: Self.logger
        )
        return Fixture(
            path: path,
            store: store,
            decider: decider,
            loopDecider: decider.makeEventLoopDecider(on: MultiThreadedEventLoopGroup.singleton.any()),
            reloader: reloader
        )
    }

    func isForward(_ decision: ProxyDecision) -> Bool {
        if case .forward = decision { return true }
        return false
    }

    func status(_ decision: ProxyDecision) -> UInt? {
        if case .respond(let response, _) = decision { return response.status.code }
        return nil
    }

    @Test func aGoodFileChangesTheNextRequestsDecision() throws {
        let fixture = try fixture(initial: Self.forwarding)
        #expect(isForward(fixture.decideAdmin()))
        try fixture.write(Self.blocking)
        let result = fixture.reloader.reload()
        #expect((try? result.get()) != nil)
        #expect(status(fixture.decideAdmin()) == 503)
        #expect(fixture.store.gate.profile.blockStatus == 451)
    }

    @Test(arguments: [
        "classes: [",  // not YAML
        "block_status: banana\n",  // not a status
        "classes:\n  - name: admin\n    patterns: [/company/**]\n    action: explode\n",  // unknown action
        "template:\n  html_ru: missing-template.mustache\n",  // a template that cannot be read
    ])
    func aBrokenFileIsRejectedAndTheOldProfileKept(broken: String) throws {
        let fixture = try fixture(initial: Self.blocking)
        #expect(status(fixture.decideAdmin()) == 503)
        try fixture.write(broken)
        let result = fixture.reloader.reload()
        #expect((try? result.get()) == nil)
        #expect(status(fixture.decideAdmin()) == 503)
        #expect(fixture.store.gate.profile.blockStatus == 451)
    }

    @Test func aMissingFileIsRejectedAndTheOldProfileKept() throws {
        let fixture = try fixture(initial: Self.blocking)
        try FileManager.default.removeItem(atPath: fixture.path)
        #expect((try? fixture.reloader.reload().get()) == nil)
        #expect(status(fixture.decideAdmin()) == 503)
    }

    @Test func reloadedTemplatesAreUsed() throws {
        let fixture = try fixture(initial: Self.blocking)
        let template = URL(fileURLWithPath: fixture.path).deletingLastPathComponent().appendingPathComponent(
            "ru.mustache"
        )
        try "<p>first {{tenant}}</p>".write(to: template, atomically: true, encoding: .utf8)
        try fixture.write(Self.blocking + "template:\n  html_ru: ru.mustache\n")
        #expect((try? fixture.reloader.reload().get()) != nil)
        #expect(fixture.store.gate.profile.templates.russian.contains("first"))
        #expect(Fixture.body(fixture.decideAdmin()) == "<p>first acme</p>")
        try "<p>second {{tenant}}</p>".write(to: template, atomically: true, encoding: .utf8)
        #expect((try? fixture.reloader.reload().get()) != nil)
        #expect(fixture.store.gate.profile.templates.russian.contains("second"))
        #expect(Fixture.body(fixture.decideAdmin()) == "<p>second acme</p>")
    }

    @Test func baseDomainsFromFlagsKeepWinningOverTheFile() throws {
        let fixture = try fixture(initial: Self.forwarding, baseDomainsOverride: ["flag.example"])
        try fixture.write(Self.forwarding)
        #expect((try? fixture.reloader.reload().get()) != nil)
        #expect(fixture.store.gate.hostResolver.baseDomains == ["flag.example"])
    }

    /// A reload names the gateway settings that changed in the file, which wait for a restart.
    @Test func changedGatewaySettingsAreNamed() {
        func setting(_ values: String...) -> ProfileSetting { ProfileSetting(values: values, isList: false, line: 1) }
        let start = ["listen": setting("0.0.0.0:80"), "access_log": setting("off"), "threads": setting("2")]
        let now = ["listen": setting("0.0.0.0:81"), "access_log": setting("off"), "max_connections": setting("9")]
        #expect(ProfileReloader.settingsChanged(from: start, to: now) == ["listen", "max_connections", "threads"])
        #expect(ProfileReloader.settingsChanged(from: start, to: start).isEmpty)
    }
}
