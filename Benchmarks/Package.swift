// swift-tools-version: 6.2
import PackageDescription

// Allocation-count benchmarks of the hot path (ordo-one/benchmark), a package of their own so that
// the product's build and tests do not carry the benchmark framework: `scripts/allocation-check.sh`
// runs them against the counts recorded in Thresholds/, and CI fails when a count grows.
let package = Package(
    name: "freezegate-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "freezegate", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The runtime interposer trait is left off: it needs a package this toolchain's mirror does
        // not carry, and the malloc counts come from the malloc interposer alone.
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GateAllocations",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Gate", package: "freezegate"),
                .product(name: "HTTPHead", package: "freezegate"),
                .product(name: "TenantModel", package: "freezegate"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/GateAllocations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ProxyAllocations",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Proxy", package: "freezegate"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ProxyAllocations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
