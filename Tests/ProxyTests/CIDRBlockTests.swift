import NIOCore
import Proxy
import Testing

@Suite("CIDRBlock and endpoints")
struct CIDRBlockTests {
    @Test func containment() throws {
        let block = try #require(CIDRBlock("10.1.0.0/16"))
        #expect(block.contains(try SocketAddress(ipAddress: "10.1.200.3", port: 1)))
        #expect(!block.contains(try SocketAddress(ipAddress: "10.2.0.1", port: 1)))
        #expect(block.contains(try SocketAddress(ipAddress: "::ffff:10.1.0.9", port: 1)))
        let v6 = try #require(CIDRBlock("2001:db8::/32"))
        #expect(v6.contains(try SocketAddress(ipAddress: "2001:db8:1::1", port: 1)))
        #expect(!v6.contains(try SocketAddress(ipAddress: "2001:db9::1", port: 1)))
        #expect(CIDRBlock("127.0.0.1")?.prefixLength == 32)
    }

    @Test(arguments: ["", "10.0.0.0/33", "10.0.0/8", "nope", "10.0.0.0/-1", "10.0.0.0/ 8", "::/129"])
    func invalidBlocks(text: String) {
        #expect(CIDRBlock(text) == nil)
    }

    @Test func endpoints() throws {
        #expect(try EndpointParser.hostAndPort("127.0.0.1:8080") == ("127.0.0.1", 8080))
        #expect(try EndpointParser.hostAndPort("[::1]:9") == ("::1", 9))
        #expect(try EndpointParser.upstreamURL("http://crm.local:8000") == ("crm.local", 8000))
        #expect(try EndpointParser.upstreamURL("http://crm.local/") == ("crm.local", 80))
        for bad in ["8080", "host:", "host:99999", ":80", "::1:80"] {
            #expect(throws: EndpointParser.InvalidEndpoint.self, "\(bad)") { try EndpointParser.hostAndPort(bad) }
        }
        #expect(try EndpointParser.upstreamEndpoint("https://crm.local") == ("crm.local", 443, true))
        #expect(try EndpointParser.upstreamEndpoint("http://crm.local:81") == ("crm.local", 81, false))
        #expect(try EndpointParser.upstreamEndpoint("http://[::1]:81") == ("::1", 81, false))
        for bad in [
            "httpx://a:1", "ftp://a", "https://a:1/path", "http://a:1/path", "http://u@a:1", "http://",
            "http://bad host:80", "http://a%2f:1", "http://a\\b:1", "http://127.0.0.1:0", "https://[::1]:00",
            "http://a:65536",
        ] {
            #expect(throws: EndpointParser.InvalidEndpoint.self, "\(bad)") { try EndpointParser.upstreamURL(bad) }
        }
    }
}
