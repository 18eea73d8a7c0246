import HTTPHead
import PropertyBased
import Testing

@testable import Gate

let hostPieces: [String] = [
    "acme", "s20", "online", ".", ".", "-", "a", "Z", "0", "9", ":", "80", "8080", "65535", "65536", "123456", "_",
    " ", "\t", "[", "]", "::1", "xn--80a", "ä", "%", "@", "/", "..", String(repeating: "x", count: 63),
    String(repeating: "y", count: 64),
]

let randomHost = Gen.int(in: 0...(hostPieces.count - 1)).array(of: 0...8).map { indices in
    indices.map { hostPieces[$0] }.joined()
}

@Suite struct HostAuthorityFastPathTests {
    /// The fast path must give exactly what the full parser gives, or step aside.
    @Test func fastPathAgreesWithTheFullParser() async {
        await propertyCheck(count: 5000, input: randomHost) { raw in
            let thorough = HostAuthority(parsingThoroughly: raw)
            if let fast = HostAuthority.plain(raw) {
                #expect(fast == thorough, "\(raw)")
            }
            #expect(HostAuthority(parsing: raw) == thorough, "\(raw)")
        }
    }

    /// The resolver reads a plain host from the field's bytes and any other through its text:
    /// either way, the authority the parser gives for the host the bytes spell (raw UTF-8 included).
    @Test func theResolverReadsTheHostsBytesAsTheParserReadsItsText() async {
        let resolver = HostResolver(baseDomains: ["s20.online"])
        await propertyCheck(count: 3000, input: randomHost) { raw in
            var fields = RequestFields()
            fields.append(name: "Host".utf8, value: raw.utf8)
            let resolved = resolver.resolve(RequestHead(method: .GET, uri: "/", version: .http1_1, fields: fields))
            switch resolved {
            case .success(let request): #expect(request.authority == HostAuthority(parsing: raw), "\(raw)")
            case .failure(let rejection):
                #expect(rejection == .invalidHost && HostAuthority(parsing: raw) == nil, "\(raw)")
            }
        }
    }

    @Test(arguments: ["acme.s20.online", "acme.s20.online:8080", "localhost:", "a-b.c", "127.0.0.1:80"])
    func commonHostsTakeTheFastPath(raw: String) {
        #expect(HostAuthority.plain(raw) != nil)
        #expect(HostAuthority.plain(raw) == HostAuthority(parsingThoroughly: raw))
    }

    @Test(arguments: [
        "Acme.s20.online", "acme.s20.online.", " acme", "a..b", ".a", "a_b", "[::1]", "a:1:2", "a:x", "a:123456", "",
        "a:70000", "ä.de",
    ])
    func unusualHostsTakeTheFullParser(raw: String) {
        #expect(HostAuthority.plain(raw) == nil)
    }
}
