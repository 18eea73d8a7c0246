import NIOHTTP1
import Testing

@testable import Proxy

@Suite struct ConnectionOptionsTests {
    static let fieldSets: [[(String, String)]] = [
        [],
        [("Host", "a")],
        [("Connection", "close")],
        [("Connection", "keep-alive")],
        [("connection", "Keep-Alive")],
        [("CONNECTION", " close ")],
        [("Connection", "keep-alive, Upgrade")],
        [("Connection", "Upgrade")],
        [("Connection", "upgrade,close")],
        [("Connection", "close, close")],
        [("Connection", "keep-alive"), ("Connection", "keep-alive")],
        [("Connection", "keep-alive"), ("Connection", "close")],
        [("Connection", ",, ,keep-alive,")],
        [("Connection", "closed")],
        [("Connection", "x-custom, te")],
        [("Connections", "close")],
        [("Connectio", "close")],
        [("Proxy-Connection", "close")],
        [("Connection", "\tclose\t")],
    ]

    /// The same answer as NIO's `isKeepAlive`, which it replaces, for every version.
    @Test(arguments: Self.fieldSets.indices)
    func keepAliveIsNIOs(index: Int) {
        let headers = HTTPHeaders(Self.fieldSets[index])
        for version in [HTTPVersion.http1_0, .http1_1, HTTPVersion(major: 2, minor: 0)] {
            let head = HTTPRequestHead(version: version, method: .GET, uri: "/", headers: headers)
            #expect(
                ConnectionOptions(headers).isKeepAlive(version: version) == head.isKeepAlive,
                "\(Self.fieldSets[index]) \(version)"
            )
        }
    }

    @Test func upgradeIsAToken() {
        #expect(ConnectionOptions(HTTPHeaders([("Connection", "keep-alive, Upgrade")])).upgrade)
        #expect(ConnectionOptions(HTTPHeaders([("connection", "UPGRADE")])).upgrade)
        #expect(!ConnectionOptions(HTTPHeaders([("Connection", "upgrade-insecure")])).upgrade)
        #expect(!ConnectionOptions(HTTPHeaders([("Upgrade", "websocket")])).upgrade)
        #expect(!ConnectionOptions(HTTPHeaders([("X-Connection", "upgrade")])).upgrade)
    }
}
