import TenantModel
import Testing

@testable import TenantModel

@Suite struct PunycodeTests {
    // Vectors from RFC 3492 §7.1 and well-known registered IDNs.
    @Test(arguments: [
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        ("рф", "p1ai"),
        ("яндекс", "d1acpjx3f"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        ("そのスピードで", "d9juau41awczczp"),
        ("ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"),
        ("abc", "abc-"),
    ])
    func encodesKnownVectors(input: String, expected: String) {
        #expect(Punycode.encode(input) == expected)
    }

    @Test(arguments: [
        ("ACME.S20.ONLINE", "acme.s20.online"),
        ("acme.s20.online.", "acme.s20.online"),
        ("Bücher.example", "xn--bcher-kva.example"),
        ("ａｃｍｅ.s20.online", "acme.s20.online"),
        ("ac\u{200B}me.s20.online", "acme.s20.online"),
        ("ac\u{00AD}me.s20.online", "acme.s20.online"),
        ("acme。s20.online", "acme.s20.online"),
        ("ПРИМЕР.рф", "xn--e1afmkfd.xn--p1ai"),
        ("школа.рф", "xn--80atdl2c.xn--p1ai"),
    ])
    func normalisesDomainNames(input: String, expected: String) {
        #expect(DomainName.normalized(input) == expected)
    }

    /// A name already in normal form (lower-case ASCII, no trailing dot) comes back unchanged, and
    /// one that is not, however close, is still normalised.
    @Test(arguments: [
        ("acme.s20.online", "acme.s20.online"),
        ("xn--80atdl2c.xn--p1ai", "xn--80atdl2c.xn--p1ai"),
        ("a-1.example", "a-1.example"),
        ("", ""),
        ("Acme.s20.online", "acme.s20.online"),
        ("acme.s20.onlinE", "acme.s20.online"),
        ("acme.s20.online.", "acme.s20.online"),
        ("acme.s20.onlin\u{E9}", "acme.s20.xn--onlin-fsa"),
    ])
    func aNormalNameIsItsOwnNormalForm(input: String, expected: String) {
        #expect(DomainName.normalized(input) == expected)
        #expect(DomainName.normalized(DomainName.normalized(input)) == expected)
    }
}
