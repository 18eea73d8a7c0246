import Testing

@testable import Gate

@Suite struct UTF8ReadingTests {
    @Test(
        arguments: [
            ([0x61, 0x62], "ab", false, false),
            ([0xD0, 0xBE], "о", false, false),
            ([0xC0, 0xAE], "%c0%ae", true, true),
            ([0xE0, 0x80, 0xAE], "%e0%80%ae", true, true),
            ([0xFF], "%ff", true, false),
            ([0xE2, 0x82], "%e2%82", true, false),
            ([0xED, 0xA0, 0x80], "%ed%a0%80", true, false),
        ] as [([UInt8], String, Bool, Bool)]
    )
    func strict(bytes: [UInt8], text: String, invalid: Bool, overlong: Bool) {
        let result = UTF8Reading.decode(bytes, lenient: false)
        #expect(result.text == text)
        #expect(result.invalid == invalid)
        #expect(result.overlong == overlong)
    }

    @Test(
        arguments: [
            ([0xC0, 0xAE], "."),
            ([0xC0, 0xAF], "/"),
            ([0xC1, 0x9C], "\\"),
            ([0xE0, 0x80, 0xAE], "."),
            ([0xF0, 0x80, 0x80, 0xAE], "."),
            ([0xC0, 0xAE, 0x61, 0xFF], ".a%ff"),
        ] as [([UInt8], String)]
    )
    func lenient(bytes: [UInt8], text: String) {
        #expect(UTF8Reading.decode(bytes, lenient: true).text == text)
    }
}
