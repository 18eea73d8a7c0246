import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Postgres
import Proxy
import Testing

@testable import TestSupport

/// Out of file descriptors: the gateway must not spin on `accept`, must say so once, keep the
/// connections it has and recover by itself when descriptors come back.
@Suite("Descriptor exhaustion", .serialized)
struct DescriptorExhaustionProcessTests {
    /// CPU seconds (user + system) the process has used, from /proc.
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14, stime 15 (1-based) → offsets 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A TCP connection that only sits there (the kernel completes it from the listen backlog).
    static func openIdleConnection(port: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    /// How many of `pid`'s descriptors are open on /dev/null (its standard streams may be too).
    static func devNullDescriptors(_ pid: Int32) -> Int {
        let directory = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return descriptors.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)")) == "/dev/null"
        }.count
    }

    @Test func acceptPausesWithOneWarningAndServiceRecovers() async throws {
        DescriptorLimit.raiseSoftToHard()
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "fds")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "fine") }
        let upstreamAddress = try await upstream.start()
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--threads", "1", "--drain-timeout", "1", "--access-log", "off",
            ],
            environment: ["DATABASE_URL": gatewayURL]
        )
        var held: [Int32] = []
        defer { for descriptor in held { close(descriptor) } }
        do {
            try await process.waitUntil("the gateway is ready") {
                let status = try? await BlockingWork.run {
                    try CommandRunner.run([
                        "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(adminPort)/readyz",
                    ])
                }
                return status == "200"
            }
            #expect(process.stderr.contains("file descriptor limit"))
            // Before it serves, the gateway holds a timer descriptor for every clock a timer can
            // use (CLOCK_REALTIME 0, CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7): libdispatch creates one
            // at a clock's first timer and kills the process (SIGILL) when it cannot, so a first
            // timer while descriptors run out would end the gateway.
            let clocks = TimerDescriptorClocks.clocks(ofProcess: "\(process.pid)") ?? []
            #expect(clocks.isSuperset(of: [0, 1, 7]), "timer descriptors' clocks: \(clocks.sorted())")
            let sparesBefore = Self.devNullDescriptors(process.pid)
            #expect(sparesBefore >= 16, "the listener's spare descriptors: \(sparesBefore)")
            // 128 descriptors for the whole process: about 80 client connections fit, 300 do not.
            _ = try CommandRunner.run(["prlimit", "--pid", "\(process.pid)", "--nofile=128:128"])
            for _ in 0..<300 {
                if let descriptor = Self.openIdleConnection(port: port) { held.append(descriptor) }
            }
            #expect(held.count > 200, "the backlog takes what the gateway cannot accept")
            try await process.waitUntil("the gateway reports the exhaustion") {
                process.stderr.contains("out of file descriptors")
            }
            // Out of descriptors, the listener gives its spares back (libdispatch stops the process
            // when it cannot open /proc for its once-a-second look at its threads).
            #expect(Self.devNullDescriptors(process.pid) <= sparesBefore - 16)
            // A spinning accept loop burns a whole core; a paused one almost nothing.
            let before = try #require(Self.cpuSeconds(process.pid))
            try await Task.sleep(for: .seconds(2))
            let after = try #require(Self.cpuSeconds(process.pid))
            #expect(after - before < 0.5, "CPU seconds in 2 s of exhaustion: \(after - before)")
            let warnings = process.stderr.components(separatedBy: "out of file descriptors").count - 1
            #expect(warnings == 1, "\(process.stderr)")

            // Descriptors come back: the gateway accepts and serves again by itself.
            for descriptor in held { close(descriptor) }
            held.removeAll()
            try await process.waitUntil("the gateway serves again", timeout: .seconds(20)) {
                let status = try? await BlockingWork.run {
                    try CommandRunner.run([
                        "curl", "-s", "-o", "/dev/null", "-m", "2", "-w", "%{http_code}", "-H",
                        "Host: school.s20.online",
                        "http://127.0.0.1:\(port)/api/v2/customer/index",
                    ])
                }
                return status == "200" || status == "404" || status == "403"
            }
            #expect(process.stderr.contains("accepting connections again"))
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            await upstream.stop()
            try await group.shutdownGracefully()
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        process.removeOutputFiles()
        await upstream.stop()
        try await group.shutdownGracefully()
    }
}
