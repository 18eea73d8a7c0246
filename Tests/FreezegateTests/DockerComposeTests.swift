import Foundation
import TestSupport
import Testing

/// docker-compose.yml must stay valid: checked with Debian's `docker-compose config` when installed
/// (`.ci/run` installs it; `apt-get install -y docker-compose`). No Docker engine is needed for this.
@Suite("docker-compose.yml")
struct DockerComposeTests {
    static let tool: String? = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        .enabled(
            if: tool != nil,
            "docker-compose is not installed (apt-get install -y docker-compose); the compose file is not validated"
        )
    )
    func theComposeFileIsValidAndWiresTheServices() async throws {
        let tool = try #require(Self.tool)
        let file = BuiltProducts.repository + "/docker-compose.yml"
        let quiet = try await ChildProcess.run([tool, "-f", file, "config", "-q"], timeLimit: 60)
        #expect(quiet.status == 0, "\(quiet)")
        let resolved = try await ChildProcess.run([tool, "-f", file, "config"], timeLimit: 60)
        #expect(resolved.status == 0, "\(resolved)")
        for expected in [
            "postgres:", "migrate:", "demo-crm:", "gateway:", "pg_isready", "service_healthy",
            "service_completed_successfully", "http://demo-crm:8081", "/healthz",
        ] {
            #expect(resolved.stdout.contains(expected), "\(expected)")
        }
    }

    @Test func theDockerfileBuildsLikeTheREADME() async throws {
        let dockerfile = try String(contentsOfFile: BuiltProducts.repository + "/Dockerfile", encoding: .utf8)
        #expect(dockerfile.contains("swift build -c release --static-swift-stdlib"))
        #expect(dockerfile.contains("libpq-dev"))
        #expect(dockerfile.contains("/usr/share/freezegate/sql"))
        // The Kubernetes base runs as this user with runAsNonRoot, which needs a numeric user.
        #expect(dockerfile.contains("USER 10001:10001"))
        #expect(!dockerfile.contains("LD_LIBRARY_PATH"))
    }

    /// Compose files without the obsolete `version` key, and no secret in a command: a command
    /// line shows in `ps` and in `docker inspect`.
    @Test func theComposeFileIsCurrentAndKeepsPasswordsOffCommandLines() throws {
        let compose = try String(contentsOfFile: BuiltProducts.repository + "/docker-compose.yml", encoding: .utf8)
        let lines = compose.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("version:") })
        #expect(!compose.contains("--database-url"))
        let commands = lines.filter { $0.contains("command:") }
        #expect(!commands.isEmpty)
        for command in commands {
            #expect(!command.contains("DATABASE_URL") && !command.contains("PASSWORD"), "\(command)")
        }
        #expect(!compose.contains("freezegate:freezegate@"), "a password inside a URL")
    }
}
