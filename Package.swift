// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "freezegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "freezegate", targets: ["freezegate"]),
        // For the allocation benchmarks (Benchmarks/Package.swift): the pure hot path.
        .library(name: "HTTPHead", targets: ["HTTPHead"]),
        .library(name: "Gate", targets: ["Gate"]),
        .library(name: "TenantModel", targets: ["TenantModel"]),
        // For the allocation benchmark of a proxied request (Benchmarks/Package.swift).
        .library(name: "Proxy", targets: ["Proxy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
    ],
    targets: [
        // libpq, found through pkg-config (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Long computations that give their core away every few hundred microseconds (full loads).
        .target(name: "CPUPacing"),
        // Counters and histograms each event loop keeps for itself, added up when /metrics is read.
        .target(name: "LoopMetrics"),
        // A small, safe libpq wrapper: connections, parameterised queries, typed rows, LISTEN/NOTIFY.
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "CPUPacing",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Applies the numbered files of sql/ in order, recording what was applied.
        .target(
            name: "Migrator",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Pure tenant model: records, freeze windows, conditions and the immutable snapshot. No I/O.
        .target(name: "TenantModel"),
        // The live tenant state: the cache every request reads and the sync that keeps it equal to
        // PostgreSQL (full loads, LISTEN/NOTIFY, resyncs).
        .target(
            name: "TenantState",
            dependencies: [
                "TenantModel", "Postgres", "CPUPacing",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A request head as bytes: the fields the client sent, read in place and passed on as lines.
        .target(
            name: "HTTPHead",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Pure decisions: host resolution, canonical targets, route profile, access policy, blocked response.
        .target(
            name: "Gate",
            dependencies: [
                "TenantModel", "HTTPHead",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The NIO reverse proxy: server, upstream pool, forwarding, tunnels, timeouts, shutdown.
        .target(
            name: "Proxy",
            dependencies: [
                "LoopMetrics", "HTTPHead",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Freeze requests by e-mail, pure logic: reading messages (MIME, charsets, encoded words), the
        // sender's authentication (RFC 8601), the request's tenant and period, and the reply (RFC 3834).
        .target(name: "MailIntake"),
        // The running gateway besides the proxy: the Gate as the proxy's decision seam (swapped on
        // SIGHUP), the live state's wiring, metrics, logs, systemd readiness.
        .target(
            name: "Gateway",
            dependencies: [
                "Postgres", "TenantModel", "TenantState", "Gate", "Proxy", "CPUPacing", "LoopMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The `freezegate` command line: serve (settings from flags, environment and profile), migrate,
        // tenant, check-config, classify, intake.
        .target(
            name: "FreezeGateCLI",
            dependencies: [
                "Postgres", "Migrator", "TenantModel", "TenantState", "Gate", "Proxy", "MailIntake", "Gateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "freezegate", dependencies: ["FreezeGateCLI"]),
        // bench/live-state.sh: commit-to-effect latency and initial load of the live tenant state.
        .executableTarget(
            name: "freezegate-bench-state",
            dependencies: [
                "TenantModel", "TenantState", "Postgres", "Migrator", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/Sources/LiveStateBench"
        ),
        // A small stand-in for the CRM (AlfaCRM path layout) for the demo, docker-compose and end-to-end tests.
        .executableTarget(
            name: "freezegate-demo-crm",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/DemoCRM"
        ),
        // Test-only helpers: a throwaway PostgreSQL cluster, recording upstream servers, raw sockets.
        .target(
            name: "TestSupport",
            dependencies: [
                "Postgres", "Migrator",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CPUPacingTests", dependencies: ["CPUPacing"]),
        .testTarget(
            name: "HTTPHeadTests",
            dependencies: [
                "HTTPHead",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "LoopMetricsTests", dependencies: ["LoopMetrics"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "SQLModelTests", dependencies: ["Postgres", "Migrator", "TestSupport"]),
        .testTarget(
            name: "MailIntakeTests",
            dependencies: ["MailIntake", "TestSupport"],
            resources: [.copy("Corpus")]
        ),
        .testTarget(name: "MigratorTests", dependencies: ["Migrator", "Postgres", "TestSupport"]),
        .testTarget(name: "TenantModelTests", dependencies: ["TenantModel", "TestSupport"]),
        .testTarget(
            name: "TenantStateTests",
            dependencies: [
                "TenantModel", "TenantState", "Postgres", "Migrator", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GateTests",
            dependencies: [
                "Gate", "HTTPHead", "TenantModel", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Proxy", "HTTPHead", "TestSupport", "LoopMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Gate", "HTTPHead", "TenantModel", "TenantState", "Proxy", "Postgres", "TestSupport",
                "LoopMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FreezeGateCLITests",
            dependencies: [
                "FreezeGateCLI", "Gate", "Gateway", "Proxy", "Postgres", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The `freezegate` and demo CRM executables as processes: serve, the CLI, the deployment kit.
        .testTarget(
            name: "FreezegateTests",
            dependencies: [
                "freezegate", "freezegate-demo-crm", "FreezeGateCLI", "Gateway", "TestSupport", "Postgres", "Gate",
                "Proxy",
                "MailIntake",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // Reading the deployment kit's YAML (deploy/) in its tests.
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (scripts/fuzz.sh, docs/FUZZING.md). Declared only when FREEZEGATE_FUZZ=1: they
// link only with -sanitize=fuzzer (libFuzzer's driver runs them), so an ordinary build could not
// link them. Debug builds compile with testing enabled, so they reach the internal parsers.
if Context.environment["FREEZEGATE_FUZZ"] == "1" {
    // Only the code under test and the targets are instrumented (coverage for libFuzzer,
    // AddressSanitizer) and optimised (1.3 to 2.7 times the executions per second of -Onone). The
    // dependencies are compiled exactly as for `swift build`, so the fuzz build and the test build
    // share them in one scratch path instead of compiling them twice.
    let fuzzed: [SwiftSetting] = [.unsafeFlags(["-O", "-sanitize=fuzzer,address"])]
    for target in package.targets
    where ["TenantModel", "TenantState", "HTTPHead", "Gate", "Proxy"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + fuzzed
    }
    package.targets.append(
        .target(
            name: "FuzzSupport",
            path: "Fuzz/Support",
            swiftSettings: [.enableExperimentalFeature("Extern")] + fuzzed
        )
    )
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("request-parser", ["Proxy", "HTTPHead", .product(name: "NIOHTTP1", package: "swift-nio")]),
        ("response-parser", ["Proxy", .product(name: "NIOCore", package: "swift-nio")]),
        ("target-canonicalizer", ["Gate", "TenantModel", .product(name: "NIOHTTP1", package: "swift-nio")]),
        ("host-parser", ["Gate", "TenantModel", .product(name: "NIOHTTP1", package: "swift-nio")]),
        ("proxy-protocol", ["Proxy", .product(name: "NIOCore", package: "swift-nio")]),
        (
            "response-forwarding",
            [
                "Proxy", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ]
        ),
        (
            "http2-downgrade",
            [
                "Proxy", "HTTPHead", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ]
        ),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: "fuzz-\(target.name)",
                dependencies: ["FuzzSupport"] + target.dependencies,
                path: "Fuzz/Targets/\(target.name)",
                swiftSettings: [.unsafeFlags(["-O", "-sanitize=fuzzer,address", "-parse-as-library"])],
                linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
            )
        )
    }
}
