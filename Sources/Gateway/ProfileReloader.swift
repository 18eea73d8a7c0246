import Gate
import Logging
import Metrics

/// Re-reads the `--config` profile (and the blocked-page templates it names) and swaps the Gate in
/// use; on any error the running profile stays and the error is logged. Triggered by SIGHUP.
///
/// Base domains given by flag or environment keep winning over the file, as at start-up. Settings
/// the listeners were built with (`trusted_proxies`, addresses, timeouts, logs) need a restart: a
/// reload that finds them changed in the file says so in the log.
package final class ProfileReloader: Sendable {
    package let path: String
    /// Base domains from `--base-domain` or `FREEZEGATE_BASE_DOMAIN`; `nil` lets the file decide.
    package let baseDomainsOverride: [String]?
    package let store: GateStore
    package let logger: Logger
    /// The gateway settings the file held at start (`RouteProfile.settings`).
    package let startSettings: [String: ProfileSetting]
    private let succeeded = Counter(label: "freezegate_profile_reloads_total", dimensions: [("result", "ok")])
    private let failed = Counter(label: "freezegate_profile_reloads_total", dimensions: [("result", "failed")])

    package init(
        path: String,
        baseDomainsOverride: [String]?,
        store: GateStore,
        logger: Logger,
        startSettings: [String: ProfileSetting] = [:]
    ) {
        self.path = path
        self.startSettings = startSettings
        self.baseDomainsOverride = baseDomainsOverride
        self.store = store
        self.logger = logger
    }

    /// Loads the file and, when it is valid, makes it the profile of every following request.
    @discardableResult
    package func reload() -> Result<RouteProfile, RouteProfileError> {
        do {
            let profile = try RouteProfile.load(contentsOfFile: path)
            let baseDomains = baseDomainsOverride ?? profile.baseDomains ?? ServeDefaults.baseDomains
            store.replace(with: Gate(profile: profile, baseDomains: baseDomains))
            // A new class starts its request counters at 0 like the ones present at start-up.
            InitialCounterSeries.registerAll(for: profile)
            succeeded.increment()
            logger.notice(
                "profile reloaded",
                metadata: [
                    "config": .string(path), "classes": .stringConvertible(profile.classes.count),
                    "base_domains": .string(baseDomains.joined(separator: ",")),
                ]
            )
            let changed = Self.settingsChanged(from: self.startSettings, to: profile.settings)
            if !changed.isEmpty {
                logger.warning(
                    "settings changed in the config file take effect at the next start",
                    metadata: ["config": .string(path), "settings": .string(changed.joined(separator: ","))]
                )
            }
            return .success(profile)
        } catch {
            failed.increment()
            logger.error(
                "profile reload failed, keeping the previous profile",
                metadata: ["config": .string(path), "error": .string(error.description)]
            )
            return .failure(error)
        }
    }

    /// The keys whose value differs between two readings of the file (added or removed too), sorted.
    package static func settingsChanged(
        from before: [String: ProfileSetting],
        to after: [String: ProfileSetting]
    ) -> [String] {
        Set(before.keys).union(after.keys).filter { before[$0]?.values != after[$0]?.values }.sorted()
    }
}
