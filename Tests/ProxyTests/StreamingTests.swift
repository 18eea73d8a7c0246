import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

/// Bodies far larger than any buffer pass through intact in both directions.
@Suite("Streaming with backpressure")
struct StreamingTests {
    static let size = 64 * 1024 * 1024

    @Test(arguments: [false, true])
    func largeUploadArrivesIntact(chunked: Bool) async throws {
        try await withProxy(
            behavior: { _ in .summarize },
            { harness in
                let result = try await StreamingHTTPClient.request(
                    to: harness.proxyAddress,
                    group: harness.group,
                    method: .POST,
                    path: "/api/upload",
                    uploadBytes: Self.size,
                    chunked: chunked
                )
                let expected = BodyChecksum.ofPattern(count: Self.size)
                #expect(result.head.status == .ok)
                #expect(result.bodyText == "received=\(Self.size) checksum=\(expected.value)")
            }
        )
    }

    @Test(arguments: [false, true])
    func largeDownloadArrivesIntact(chunked: Bool) async throws {
        try await withProxy(
            behavior: { _ in .stream(bytes: Self.size, chunked: chunked) },
            { harness in
                let result = try await StreamingHTTPClient.request(
                    to: harness.proxyAddress,
                    group: harness.group,
                    path: "/assets/big.bin"
                )
                let expected = BodyChecksum.ofPattern(count: Self.size)
                #expect(result.head.status == .ok)
                #expect(result.bodyCount == Self.size)
                #expect(result.bodyChecksum == expected.value)
                if chunked {
                    #expect(result.head.headers.first(name: "transfer-encoding") == "chunked")
                } else {
                    #expect(result.head.headers.first(name: "content-length") == String(Self.size))
                }
            }
        )
    }
}
