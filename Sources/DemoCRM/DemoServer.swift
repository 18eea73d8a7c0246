import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds the demo CRM's HTTP/1.1 listener (keep-alive and pipelining handled by NIO's server pipeline).
struct DemoServer: Sendable {
    let router: DemoRouter

    func bind(host: String, port: Int) async throws -> any Channel {
        let router = self.router
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(DemoHTTPHandler(router: router))
                }
            }
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(host: host, port: port)
            .get()
    }
}
