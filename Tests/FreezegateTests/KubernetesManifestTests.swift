import Foundation
import TestSupport
import Testing
import Yams

/// deploy/kubernetes: rendered with kustomize (kubectl's), validated against the schemas of a
/// current Kubernetes release with kubernetes-validate (offline, strict), and consistent with
/// the gateway: probes, ports, drain, Secret and ConfigMap wiring, selectors.
@Suite("Kubernetes manifests", .timeLimit(.minutes(3)))
struct KubernetesManifestTests {
    static let base = DeployTool.file("deploy/kubernetes")
    static let rendererMissing: Comment = "neither kubectl nor kustomize is installed: the base is not rendered"
    static let validatorMissing: Comment = "kubernetes-validate missing (.ci/run installs it from PyPI)"
    static let expectedKinds: Set<String> = [
        "ServiceAccount", "Secret", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
        "HorizontalPodAutoscaler", "Job", "ServiceMonitor",
    ]

    /// The base as `kubectl apply -k` would send it.
    static func render() async throws -> String {
        let command: [String]
        if let kubectl = DeployTool.kubectl {
            command = [kubectl, "kustomize", base]
        } else {
            command = [try #require(DeployTool.kustomize, rendererMissing), "build", base]
        }
        let outcome = try await ChildProcess.run(command, timeLimit: 60)
        #expect(outcome.status == 0, "\(outcome)")
        return outcome.stdout
    }

    /// The resources of the base, from its files (no renderer needed).
    static func resources() throws -> [[String: Any]] {
        var documents: [[String: Any]] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: base).sorted()
        where file.hasSuffix(".yaml") && file != "kustomization.yaml" && file != "profile.yaml" {
            let text = try String(contentsOfFile: base + "/" + file, encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                if let resource = document as? [String: Any] { documents.append(resource) }
            }
        }
        return documents
    }

    static func resource(_ kind: String, in resources: [[String: Any]]) throws -> [String: Any] {
        try #require(resources.first { $0["kind"] as? String == kind }, "no \(kind)")
    }

    /// kustomize comes with kubectl on the development machine's image; neither Debian nor PyPI
    /// ships it, so without it this test is skipped (also in CI) and the validation below takes
    /// the files one by one.
    @Test(.enabled(if: (DeployTool.kubectl ?? DeployTool.kustomize) != nil, rendererMissing))
    func kustomizeRendersEveryResource() async throws {
        let rendered = try await Self.render()
        let kinds = Set(
            try Yams.load_all(yaml: rendered).compactMap { ($0 as? [String: Any])?["kind"] as? String }
        )
        #expect(kinds == Self.expectedKinds)
        // The ConfigMap's name carries a hash of the profile, and the Deployment mounts it by that
        // name: a changed profile rolls the pods.
        #expect(rendered.range(of: #"name: freezegate-profile-[a-z0-9]{10}"#, options: .regularExpression) != nil)
        #expect(!rendered.contains("name: freezegate-profile\n"))
    }

    @Test(.enabled(if: DeployTool.enabled(DeployTool.kubernetesValidate), validatorMissing))
    func everyResourceValidatesAgainstTheKubernetesSchemas() async throws {
        let validate = try #require(DeployTool.kubernetesValidate, Self.validatorMissing)
        let folder = try TemporaryDirectory()
        var files: [String] = []
        let rendering = DeployTool.kubectl != nil || DeployTool.kustomize != nil
        if rendering {
            let rendered = folder.path + "/rendered.yaml"
            try (try await Self.render()).write(toFile: rendered, atomically: true, encoding: .utf8)
            files = [rendered]
        } else {
            // Without a renderer, each file on its own.
            files = try FileManager.default.contentsOfDirectory(atPath: Self.base).sorted()
                .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" && $0 != "profile.yaml" }
                .map { Self.base + "/" + $0 }
        }
        let outcome = try await ChildProcess.run([validate, "--strict"] + files, timeLimit: 120)
        #expect(outcome.status == 0, "\(outcome)")
        let output = outcome.stdout + outcome.stderr
        // Without kustomize there is no generated ConfigMap to validate.
        let validated = Self.expectedKinds.subtracting(
            rendering ? ["ServiceMonitor"] : ["ServiceMonitor", "ConfigMap"]
        )
        for kind in validated {
            #expect(output.contains("passed for resource \(kind.lowercased())/"), "\(kind) not validated: \(output)")
        }
        // The Prometheus Operator's CRD has no schema there; its fields are checked below.
        #expect(output.contains("kind ServiceMonitor"), "\(output)")

        // The validator does reject a bad manifest: an unknown field, in strict mode.
        let bad = folder.path + "/bad.yaml"
        let deployment = try String(contentsOfFile: Self.base + "/deployment.yaml", encoding: .utf8)
        try deployment.replacingOccurrences(of: "  replicas: 2", with: "  replicaz: 2")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let rejected = try await ChildProcess.run([validate, "--strict", bad], timeLimit: 60)
        #expect(rejected.status != 0, "\(rejected)")
    }

    @Test func theDeploymentMatchesTheGateway() throws {
        let all = try Self.resources()
        let deployment = try Self.resource("Deployment", in: all)
        let template = try #require((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])
        let podLabels = (template["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
        let pod = try #require(template["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let environment = Dictionary(
            (container["env"] as? [[String: Any]] ?? []).compactMap { entry in
                (entry["name"] as? String).map { ($0, entry) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        let ports = Dictionary(
            (container["ports"] as? [[String: Any]] ?? []).compactMap { port in
                (port["name"] as? String).flatMap { name in (port["containerPort"] as? Int).map { (name, $0) } }
            },
            uniquingKeysWith: { first, _ in first }
        )
        // The admin port the probes use is where the gateway's admin listener binds.
        let adminListen = try #require(environment["FREEZEGATE_ADMIN_LISTEN"]?["value"] as? String)
        #expect(adminListen.hasPrefix("0.0.0.0:") && adminListen.hasSuffix(":\(ports["admin"] ?? 0)"))
        let listen = try #require(environment["FREEZEGATE_LISTEN"]?["value"] as? String)
        #expect(listen.hasSuffix(":\(ports["http"] ?? 0)"))
        let readiness = (container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
        let liveness = (container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
        #expect(readiness?["path"] as? String == "/readyz" && readiness?["port"] as? String == "admin")
        #expect(liveness?["path"] as? String == "/healthz" && liveness?["port"] as? String == "admin")

        // The grace period covers the preStop pause and the whole drain.
        let arguments = container["args"] as? [String] ?? []
        let drainIndex = try #require(arguments.firstIndex(of: "--drain-timeout"))
        let drain = try #require(arguments.indices.contains(drainIndex + 1) ? Int(arguments[drainIndex + 1]) : nil)
        let preStop =
            (((container["lifecycle"] as? [String: Any])?["preStop"] as? [String: Any])?["exec"]
            as? [String: Any])?["command"] as? [String]
        let pause = try #require(preStop?.last.flatMap { Int($0) })
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int)
        #expect(grace > pause + drain, "grace \(grace) s, preStop \(pause) s, drain \(drain) s")

        // Non-root, read-only root filesystem, no privilege escalation, resources set.
        let podSecurity = pod["securityContext"] as? [String: Any] ?? [:]
        #expect(podSecurity["runAsNonRoot"] as? Bool == true)
        #expect((podSecurity["runAsUser"] as? Int ?? 0) > 0)
        let security = container["securityContext"] as? [String: Any] ?? [:]
        #expect(security["readOnlyRootFilesystem"] as? Bool == true)
        #expect(security["allowPrivilegeEscalation"] as? Bool == false)
        let requested = container["resources"] as? [String: Any] ?? [:]
        #expect((requested["requests"] as? [String: Any])?["memory"] != nil)
        #expect((requested["limits"] as? [String: Any])?["memory"] != nil)

        // DATABASE_URL from the Secret that defines it; the profile from the ConfigMap's file.
        let secretReference =
            (environment["DATABASE_URL"]?["valueFrom"] as? [String: Any])?["secretKeyRef"]
            as? [String: String]
        let secret = try Self.resource("Secret", in: all)
        #expect(secretReference?["name"] == (secret["metadata"] as? [String: Any])?["name"] as? String)
        #expect((secret["stringData"] as? [String: String])?[secretReference?["key"] ?? ""] != nil)
        let configPath = try #require(environment["FREEZEGATE_CONFIG"]?["value"] as? String)
        let mount = (container["volumeMounts"] as? [[String: Any]] ?? []).first {
            configPath.hasPrefix(($0["mountPath"] as? String ?? "?") + "/")
        }
        let volume = (pod["volumes"] as? [[String: Any]] ?? []).first {
            $0["name"] as? String == mount?["name"] as? String
        }
        #expect((volume?["configMap"] as? [String: Any])?["name"] as? String == "freezegate-profile")
        let kustomizationText = try String(contentsOfFile: Self.base + "/kustomization.yaml", encoding: .utf8)
        let kustomization = try Yams.load(yaml: kustomizationText) as? [String: Any]
        let generated = (kustomization?["configMapGenerator"] as? [[String: Any]])?.first
        #expect(generated?["name"] as? String == "freezegate-profile")
        let profileFile = URL(fileURLWithPath: configPath).lastPathComponent
        #expect((generated?["files"] as? [String])?.contains(profileFile) == true)

        // Service, PodDisruptionBudget and ServiceMonitor select these pods / this Service.
        func selects(_ selector: [String: String]?, _ labels: [String: String]) -> Bool {
            guard let selector, !selector.isEmpty else { return false }
            return selector.allSatisfy { labels[$0.key] == $0.value }
        }
        let service = try Self.resource("Service", in: all)
        let serviceSpec = service["spec"] as? [String: Any] ?? [:]
        #expect(selects(serviceSpec["selector"] as? [String: String], podLabels))
        let pdb = try Self.resource("PodDisruptionBudget", in: all)
        let pdbSelector = ((pdb["spec"] as? [String: Any])?["selector"] as? [String: Any])?["matchLabels"]
        #expect(selects(pdbSelector as? [String: String], podLabels))
        let monitor = try Self.resource("ServiceMonitor", in: all)
        let monitorSpec = monitor["spec"] as? [String: Any] ?? [:]
        let serviceLabels = (service["metadata"] as? [String: Any])?["labels"] as? [String: String] ?? [:]
        let monitorSelector = (monitorSpec["selector"] as? [String: Any])?["matchLabels"] as? [String: String]
        #expect(selects(monitorSelector, serviceLabels))
        let servicePorts = (serviceSpec["ports"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let endpoint = (monitorSpec["endpoints"] as? [[String: Any]])?.first
        #expect(servicePorts.contains(endpoint?["port"] as? String ?? "?"))
        #expect(endpoint?["path"] as? String == "/metrics")
        // The HPA scales this Deployment.
        let hpa = try Self.resource("HorizontalPodAutoscaler", in: all)
        let target = (hpa["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: Any]
        #expect(target?["name"] as? String == (deployment["metadata"] as? [String: Any])?["name"] as? String)
        // The Job migrates.
        let job = try Self.resource("Job", in: all)
        let jobSpec = (job["spec"] as? [String: Any])?["template"] as? [String: Any]
        let jobTemplate = jobSpec?["spec"] as? [String: Any]
        let jobContainer = (jobTemplate?["containers"] as? [[String: Any]])?.first
        #expect((jobContainer?["args"] as? [String])?.prefix(2) == ["freezegate", "migrate"])
        // Least privilege: the Job migrates as the schema's owner, the gateways read with a role
        // of their own — two keys of the Secret, both defined.
        let jobEnvironment = (jobContainer?["env"] as? [[String: Any]] ?? []).first {
            $0["name"] as? String == "DATABASE_URL"
        }
        let jobKey = ((jobEnvironment?["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: String])?["key"]
        #expect(
            jobKey != nil && jobKey != secretReference?["key"],
            "job \(jobKey ?? "-"), gateway \(secretReference?["key"] ?? "-")"
        )
        #expect((secret["stringData"] as? [String: String])?[jobKey ?? ""] != nil)
    }

    /// The profile the ConfigMap carries is one the gateway accepts.
    @Test func theProfileIsAccepted() async throws {
        let outcome = try await ServeProcess.run(["check-config", Self.base + "/profile.yaml"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
    }
}
