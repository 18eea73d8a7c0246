// swift-tools-version:6.0
// A measuring aid, not part of the product: SwiftNIO answering a fixed 1 KiB response over TLS,
// as HTTP/1.1, as HTTP/2 with a child channel per stream (swift-nio-http2's multiplexer, as the
// gateway runs it) and as HTTP/2 handled frame by frame on the connection channel; and two
// proxies in front of nginx, one passing bytes and one doing a gateway's work per request on the
// bytes read. Run by bench/h2-plumbing.sh.
import PackageDescription

let package = Package(
    name: "h2-plumbing",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    ],
    targets: [
        .executableTarget(
            name: "H2Plumbing",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ]
        )
    ]
)
