import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `freezegate-demo-crm`: a small stand-in for an AlfaCRM-style CRM, so that the gateway can be tried in a
/// browser (and tested end to end) without the real CRM. It serves plausible pages for every request class
/// of the default profile and shows the tenant it was reached for.
@main
struct DemoCRMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freezegate-demo-crm",
        abstract: "A demo CRM with the AlfaCRM path layout (admin, teacher, licensing, client cabinet, API, webhooks)."
    )

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:8081"

    @Option(
        name: .customLong("domain"),
        help: ArgumentHelp(
            "A tenant's custom domain, DOMAIN=TENANT (repeatable), e.g. crm.acme-school.localhost=acme.",
            valueName: "domain=tenant"
        )
    )
    var domains: [String] = []

    /// `--domain` values as domain → tenant.
    func customDomains() throws -> [String: String] {
        var map: [String: String] = [:]
        for entry in self.domains {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let domain = DemoTenant.hostName(parts[0]), !parts[1].isEmpty else {
                throw ValidationError("--domain must look like DOMAIN=TENANT, e.g. crm.acme-school.localhost=acme")
            }
            map[domain] = parts[1]
        }
        return map
    }

    func run() async throws {
        guard let address = DemoListenAddress(self.listen) else {
            throw ValidationError("--listen must look like HOST:PORT, e.g. 127.0.0.1:8081")
        }
        let server = DemoServer(router: DemoRouter(customDomains: try self.customDomains()))
        let channel = try await server.bind(host: address.host, port: address.port)
        let port = channel.localAddress?.port ?? address.port
        // Flushed at once: scripts and tests wait for this line to know the port.
        FileHandle.standardOutput.write(Data("freezegate-demo-crm listening on http://\(address.host):\(port)\n".utf8))
        try await channel.closeFuture.get()
    }
}
