import NIOPosix
import TestSupport
import Testing

@Test func harnessStartsAndStops() async throws {
    let harness = try await ProxyHarness.start()
    await harness.stop()
}

@Test func upstreamOnlyStartsAndStops() async throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let upstream = RecordingUpstream(group: group)
    _ = try await upstream.start()
    await upstream.stop()
    try await group.shutdownGracefully()
}
