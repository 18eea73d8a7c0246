import Foundation

/// The external checkers the deployment tests run (promtool, systemd-analyze,
/// kubernetes-validate, kubectl's kustomize), found on the PATH or where `.ci/run` installs them.
///
/// A missing tool skips its test with a message on a developer's machine; with
/// `FREEZEGATE_REQUIRE_DEPLOY_TOOLS=1` (set by `.ci/run`, which installs them) it fails instead, so
/// that CI never passes by skipping.
enum DeployTool {
    static var required: Bool {
        ProcessInfo.processInfo.environment["FREEZEGATE_REQUIRE_DEPLOY_TOOLS"] == "1"
    }

    /// The first executable named `name` on the PATH or among `extra` paths.
    static func find(_ name: String, extra: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + extra
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let promtool = find("promtool")
    static let systemdAnalyze = find("systemd-analyze")
    /// `.ci/run` installs it from PyPI into a virtual environment under `.build/tools`.
    static let kubernetesValidate = find(
        "kubernetes-validate",
        extra: [BuiltProducts.repository + "/.build/tools/venv/bin/kubernetes-validate"]
    )
    /// kustomize as built into kubectl (`kubectl kustomize`), or the standalone binary.
    static let kubectl = find("kubectl")
    static let kustomize = find("kustomize")

    /// Whether a test that needs `tool` runs: it is there, or CI requires it (and the test then
    /// fails on the missing tool).
    static func enabled(_ tool: String?) -> Bool {
        tool != nil || required
    }

    static func file(_ relativePath: String) -> String {
        BuiltProducts.repository + "/" + relativePath
    }
}
