import HTTPHead
import Testing

@Suite struct NonUTF8TargetTests {
    @Test func bytesAbove0x7FArePercentEncodedInTheText() {
        #expect(NonUTF8Target.text(of: Array("/a/".utf8) + [0xE9, 0x74, 0xFF]) == "/a/%E9t%FF")
        #expect(NonUTF8Target.text(of: Array("/plain?q=1".utf8)) == "/plain?q=1")
    }

    @Test func theWholeTargetAndItsTailsMapBackToTheBytesReceived() {
        let received: [UInt8] = Array("http://a.s20.online/x/".utf8) + [0xC3, 0xA9, 0x2F, 0xE9]
        let text = NonUTF8Target.text(of: received)
        #expect(text == "http://a.s20.online/x/%C3%A9/%E9")
        #expect(NonUTF8Target.receivedBytes(of: text, in: received).map(Array.init) == received)
        #expect(
            NonUTF8Target.receivedBytes(of: "/x/%C3%A9/%E9", in: received).map(Array.init)
                == Array("/x/".utf8) + [0xC3, 0xA9, 0x2F, 0xE9]
        )
        #expect(NonUTF8Target.receivedBytes(of: "", in: received).map(Array.init) == [])
    }

    @Test func aTextThatIsNoTailOfTheReceivedBytesMapsToNothing() {
        let received: [UInt8] = Array("/x/".utf8) + [0xE9]
        // Not a tail at all (a target the Gate rewrote).
        #expect(NonUTF8Target.receivedBytes(of: "/y/%E9", in: received) == nil)
        // A tail of the text that starts inside the `%E9` of one byte.
        #expect(NonUTF8Target.receivedBytes(of: "E9", in: received) == nil)
        #expect(NonUTF8Target.receivedBytes(of: "9", in: received) == nil)
        // Typed by the client as `%E9` is not the byte 0xE9.
        #expect(
            NonUTF8Target.receivedBytes(of: "/x/%E9", in: Array("/x/%E9".utf8)).map(Array.init) == Array("/x/%E9".utf8)
        )
    }
}
