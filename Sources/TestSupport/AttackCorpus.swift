/// Proxy-bypass techniques from public knowledge, each as a request target sent for a FROZEN
/// tenant (`acme.s20.online`) and what the gate must answer. Sources: Orange Tsai, "Breaking
/// Parser Logic" (Black Hat USA 2018: `..;/`, `;` parameters, backslashes, `%2e`); nginx
/// off-by-slash and `merge_slashes`; double and nested encoding (IIS `%%32%65`, `%252e`);
/// overlong UTF-8 (`%c0%ae`, CVE-2000-0884 family); IIS `%u002e`; NFKC/full-width folding
/// (Spring/Java normalisers); zero-width and soft hyphen; NUL truncation; fragments and encoded
/// `?`; RFC 3986 §5.2.4 dot-segment edge cases; `//host` network-path confusion.
///
/// `.block`: the answer is the blocked response (some reading is admin/teacher/unknown); no byte
/// of it may reach the upstream.
/// `.forward`: ambiguous, but every reading is a class a frozen tenant keeps (client, API,
/// webhook, licensing, public): forwarded untouched, since a refusal must be explainable by a
/// reading of a blocked class (`;jsessionid=`, `%20`, `./` and their like are ordinary requests).
public enum CorpusExpectation: String, Sendable {
    case block
    case forward
}

public struct AttackCase: Sendable, CustomStringConvertible {
    public let target: String
    public let expected: CorpusExpectation
    public let technique: String

    public init(target: String, expected: CorpusExpectation, technique: String) {
        self.target = target
        self.expected = expected
        self.technique = technique
    }

    public var description: String { "\(self.technique): \(self.target)" }
}

public let attackCorpus: [AttackCase] = [
    // Plain admin and teacher paths, case and slashes.
    AttackCase(target: "/company/1/users", expected: .block, technique: "plain admin"),
    AttackCase(target: "/company", expected: .block, technique: "admin root"),
    AttackCase(target: "/company/", expected: .block, technique: "admin root, trailing slash"),
    AttackCase(target: "/company?x=/customer", expected: .block, technique: "query mentions a forwarded path"),
    AttackCase(target: "/teacher/5/lessons", expected: .block, technique: "plain teacher"),
    AttackCase(target: "/teacher", expected: .block, technique: "teacher root"),
    AttackCase(target: "/COMPANY/1/x", expected: .block, technique: "upper case"),
    AttackCase(target: "/CoMpAnY/1/x", expected: .block, technique: "mixed case"),
    AttackCase(target: "/TEACHER/1", expected: .block, technique: "upper-case teacher"),
    AttackCase(target: "//company/1", expected: .block, technique: "doubled leading slash"),
    AttackCase(target: "///company//1//users", expected: .block, technique: "many slashes"),
    AttackCase(target: "//customer/company/1", expected: .block, technique: "network-path: customer read as a host"),
    AttackCase(target: "/company1", expected: .block, technique: "nginx off-by-slash prefix (unknown class)"),
    AttackCase(target: "/companyx/../company/1", expected: .block, technique: "off-by-slash with traversal"),
    AttackCase(target: "/compan%79/1", expected: .block, technique: "encoded letter"),
    AttackCase(target: "/%63%6f%6d%70%61%6e%79/1", expected: .block, technique: "fully encoded segment"),
    AttackCase(target: "/%74eacher/1", expected: .block, technique: "encoded teacher letter"),

    // Dot-segments (RFC 3986 §5.2.4).
    AttackCase(target: "/customer/../company/1", expected: .block, technique: "traversal out of client"),
    AttackCase(target: "/customer/./../company/1", expected: .block, technique: "dot then traversal"),
    AttackCase(target: "/api/../company/1", expected: .block, technique: "traversal out of webhooks"),
    AttackCase(target: "/v2api/../teacher/1", expected: .block, technique: "traversal out of the API"),
    AttackCase(target: "/login/../company/1", expected: .block, technique: "traversal out of public"),
    AttackCase(target: "/assets/../../company/1", expected: .block, technique: "traversal above the root"),
    AttackCase(
        target: "/company/1/licensing/../../company/1/users",
        expected: .block,
        technique: "traversal out of licensing"
    ),
    AttackCase(target: "/company/1/licensing/../users", expected: .block, technique: "licensing sibling"),
    AttackCase(target: "/company/1/licensing/..", expected: .block, technique: "licensing parent"),
    AttackCase(target: "/company/../customer/1", expected: .block, technique: "raw prefix router sees /company"),
    AttackCase(target: "/teacher/../customer", expected: .block, technique: "raw prefix router sees /teacher"),
    AttackCase(target: "/customer//../company/1", expected: .block, technique: "empty segment before .. (merge order)"),
    AttackCase(target: "/company//../customer/1", expected: .block, technique: "strict RFC resolution keeps /company"),

    // Encoded dots, double and nested encodings.
    AttackCase(target: "/%2e%2e/company/1", expected: .block, technique: "encoded dot-dot at root"),
    AttackCase(target: "/customer/%2e%2e/company/1", expected: .block, technique: "encoded dot-dot"),
    AttackCase(target: "/customer/%2E%2E/company/1", expected: .block, technique: "upper-case encoded dot-dot"),
    AttackCase(target: "/customer/.%2e/company/1", expected: .block, technique: "half-encoded dot-dot"),
    AttackCase(target: "/customer/%2e./company/1", expected: .block, technique: "half-encoded dot-dot, other half"),
    AttackCase(
        target: "/company/1/licensing/%2e%2e/users",
        expected: .block,
        technique: "encoded dot-dot out of licensing"
    ),
    AttackCase(target: "/company/1/licensing/.%2e/users", expected: .block, technique: "half-encoded out of licensing"),
    AttackCase(target: "/customer/%252e%252e/company/1", expected: .block, technique: "double-encoded dot-dot"),
    AttackCase(
        target: "/company/1/licensing/%252e%252e/users",
        expected: .block,
        technique: "double-encoded out of licensing"
    ),
    AttackCase(
        target: "/customer/%25%32%65%25%32%65/company/1",
        expected: .block,
        technique: "double-encoded, every byte"
    ),
    AttackCase(
        target: "/customer/%%32%65%%32%65/company/1",
        expected: .block,
        technique: "IIS nested encoding %%32%65"
    ),
    AttackCase(target: "/customer/%u002e%u002e/company/1", expected: .block, technique: "IIS %u encoding"),
    AttackCase(target: "/customer/%2525252e%2525252e/company/1", expected: .block, technique: "quadruple encoding"),

    // Encoded slashes and backslashes.
    AttackCase(
        target: "/company/1/licensing%2f..%2fusers",
        expected: .block,
        technique: "encoded slash out of licensing"
    ),
    AttackCase(
        target: "/company/1/licensing%2F..%2F..%2Fusers",
        expected: .block,
        technique: "upper-case encoded slashes"
    ),
    AttackCase(target: "/company/1/licensing%2f%2e%2e%2fusers", expected: .block, technique: "all encoded"),
    AttackCase(target: "/customer%2f..%2fcompany/1", expected: .block, technique: "encoded slash out of client"),
    AttackCase(target: "/customer%2F..%2Fcompany%2F1", expected: .block, technique: "fully encoded traversal"),
    AttackCase(target: "/customer/%2e%2e%2fcompany/1", expected: .block, technique: "encoded dot-dot-slash"),
    AttackCase(target: "/customer/..%2fcompany/1", expected: .block, technique: "dot-dot then encoded slash"),
    AttackCase(target: "/assets/..%2f..%2fcompany/1", expected: .block, technique: "encoded traversal in assets"),
    AttackCase(target: "/customer/%252f..%252fcompany", expected: .block, technique: "double-encoded slash"),
    AttackCase(target: "/company%2f1", expected: .block, technique: "encoded slash inside admin"),
    AttackCase(target: "/teacher%2F1", expected: .block, technique: "encoded slash inside teacher"),
    AttackCase(target: "/customer\\..\\company\\1", expected: .block, technique: "backslashes (IIS, Windows)"),
    AttackCase(target: "/customer\\../company/1", expected: .block, technique: "mixed separators"),
    AttackCase(target: "/company/1/licensing\\..\\users", expected: .block, technique: "backslash out of licensing"),
    AttackCase(target: "/customer%5c..%5ccompany%5c1", expected: .block, technique: "encoded backslashes"),
    AttackCase(
        target: "/company/1/licensing%5c..%5cusers",
        expected: .block,
        technique: "encoded backslash out of licensing"
    ),
    AttackCase(target: "/\\company/1", expected: .block, technique: "slash-backslash prefix"),
    AttackCase(target: "/customer%255c..%255ccompany", expected: .block, technique: "double-encoded backslash"),

    // Parameters (Tomcat/Jetty/Spring path parameters, Orange Tsai's ..;/).
    AttackCase(target: "/customer/..;/company/1", expected: .block, technique: "Tomcat ..;/"),
    AttackCase(target: "/..;/company/1", expected: .block, technique: "Tomcat ..;/ at root"),
    AttackCase(target: "/v2api/..;/company/1", expected: .block, technique: "Tomcat ..;/ out of the API"),
    AttackCase(target: "/company/1/licensing/..;/users", expected: .block, technique: "Tomcat ..;/ out of licensing"),
    AttackCase(target: "/company/1/licensing;/../users", expected: .block, technique: "parameter before traversal"),
    AttackCase(target: "/company;jsessionid=1/1", expected: .block, technique: "parameter on admin"),
    AttackCase(target: "/company;/1", expected: .block, technique: "empty parameter on admin"),
    AttackCase(target: "/teacher;x=y", expected: .block, technique: "parameter on teacher"),
    AttackCase(target: "/customer/..;x=y/company/1", expected: .block, technique: "..;param"),
    AttackCase(target: "/customer/%2e%2e;/company/1", expected: .block, technique: "encoded ..;"),
    AttackCase(target: "/customer/..%3b/company/1", expected: .block, technique: "encoded semicolon"),

    // Overlong and invalid UTF-8.
    AttackCase(target: "/customer/%c0%ae%c0%ae/company/1", expected: .block, technique: "overlong dots"),
    AttackCase(target: "/customer/%c0%ae%c0%ae%c0%afcompany/1", expected: .block, technique: "overlong dots and slash"),
    AttackCase(target: "/customer%c0%af..%c0%afcompany/1", expected: .block, technique: "overlong slash"),
    AttackCase(target: "/customer/%e0%80%ae%e0%80%ae/company/1", expected: .block, technique: "3-byte overlong dots"),
    AttackCase(
        target: "/customer/%f0%80%80%ae%f0%80%80%ae/company/1",
        expected: .block,
        technique: "4-byte overlong dots"
    ),
    AttackCase(
        target: "/company/1/licensing/%c0%ae%c0%ae/users",
        expected: .block,
        technique: "overlong out of licensing"
    ),
    AttackCase(target: "/customer/%c1%9c..%c1%9ccompany", expected: .block, technique: "overlong backslash"),
    AttackCase(target: "/company%ff/1", expected: .block, technique: "invalid byte in admin segment"),

    // Compatibility forms (NFKC), full-width, and invisible characters.
    AttackCase(target: "/ｃｏｍｐａｎｙ/1", expected: .block, technique: "full-width letters, raw"),
    AttackCase(
        target: "/%EF%BD%83%EF%BD%8F%EF%BD%8D%EF%BD%90%EF%BD%81%EF%BD%8E%EF%BD%99/1",
        expected: .block,
        technique: "full-width letters, encoded"
    ),
    AttackCase(target: "/／company/1", expected: .block, technique: "full-width slash"),
    AttackCase(target: "/customer／..／company/1", expected: .block, technique: "full-width slashes in traversal"),
    AttackCase(target: "/customer/．．/company/1", expected: .block, technique: "full-width dots"),
    AttackCase(
        target: "/customer/%EF%BC%8E%EF%BC%8E/company/1",
        expected: .block,
        technique: "encoded full-width dots"
    ),
    AttackCase(
        target: "/company/1/licensing/．．/users",
        expected: .block,
        technique: "full-width dots out of licensing"
    ),
    AttackCase(target: "/ｔｅａｃｈｅｒ", expected: .block, technique: "full-width teacher"),
    AttackCase(target: "/ℂompany/1", expected: .block, technique: "double-struck C (NFKC)"),
    AttackCase(target: "/co\u{200B}mpany/1", expected: .block, technique: "zero-width space"),
    AttackCase(target: "/co%E2%80%8Bmpany/1", expected: .block, technique: "encoded zero-width space"),
    AttackCase(target: "/comp%C2%ADany/1", expected: .block, technique: "encoded soft hyphen"),
    AttackCase(target: "/teach%EF%BB%BFer", expected: .block, technique: "encoded BOM"),
    AttackCase(target: "/comp%E2%81%A0any/1", expected: .block, technique: "encoded word joiner"),
    AttackCase(target: "/customer/.\u{200D}./company/1", expected: .block, technique: "zero-width joiner in dot-dot"),

    // NUL, controls, whitespace, truncation.
    AttackCase(target: "/company%00/1", expected: .block, technique: "NUL in admin segment"),
    AttackCase(target: "/company/1%00.css", expected: .block, technique: "NUL before a static extension"),
    AttackCase(target: "/company/1/licensing/..%00/users", expected: .block, technique: "NUL after dot-dot"),
    AttackCase(target: "/company/1/licensing%00/../users", expected: .block, technique: "NUL in licensing"),
    AttackCase(target: "/customer/%2e%2e%00/company/1", expected: .block, technique: "NUL after encoded dot-dot"),
    AttackCase(target: "/company%20/1", expected: .block, technique: "trailing space (Windows)"),
    AttackCase(target: "/company./1", expected: .block, technique: "trailing dot (Windows)"),
    AttackCase(target: "/company%09/1", expected: .block, technique: "encoded tab"),
    AttackCase(target: "/company%0d%0aX-Injected:%201", expected: .block, technique: "encoded CRLF"),
    // A tab is a control byte to a parser that drops them: `.%09.` is `..` to it.
    AttackCase(target: "/customer/.%09./company/1/users", expected: .block, technique: "tab inside dot-dot"),
    AttackCase(target: "/customer/..%09/company", expected: .block, technique: "tab after dot-dot"),
    AttackCase(target: "/customer/%09../company", expected: .block, technique: "tab before dot-dot"),
    // Whitespace a trimming parser removes while it keeps the dots.
    AttackCase(target: "/customer/..%20/company", expected: .block, technique: "space after dot-dot"),
    AttackCase(target: "/customer/%20../company/1", expected: .block, technique: "space before dot-dot"),
    AttackCase(target: "/customer/.%20./company", expected: .block, technique: "space inside dot-dot"),
    AttackCase(target: "/customer/..%20%20/company", expected: .block, technique: "two spaces after dot-dot"),
    AttackCase(target: "/customer/..%09%20/company", expected: .block, technique: "tab and space after dot-dot"),
    AttackCase(target: "/customer/..%2520/company", expected: .block, technique: "double-encoded space after dot-dot"),
    AttackCase(
        target: "/customer/%2e%2e%2520/company",
        expected: .block,
        technique: "encoded dot-dot, double-encoded space"
    ),
    AttackCase(target: "/customer/..%c2%a0/teacher/1", expected: .block, technique: "no-break space after dot-dot"),
    AttackCase(target: "/customer/..%e3%80%80/company", expected: .block, technique: "ideographic space after dot-dot"),
    // Separators that Windows' best-fit conversion makes of look-alikes NFKC leaves alone.
    AttackCase(target: "/customer/..%e2%88%95company", expected: .block, technique: "division slash (best fit)"),
    AttackCase(target: "/customer/..%e2%81%84company/1", expected: .block, technique: "fraction slash (best fit)"),
    AttackCase(target: "/customer/..∕teacher", expected: .block, technique: "raw division slash (best fit)"),
    AttackCase(target: "/customer/..%c2%a5company", expected: .block, technique: "yen sign as backslash (cp932)"),
    AttackCase(target: "/customer/..%e2%82%a9company", expected: .block, technique: "won sign as backslash (cp949)"),
    AttackCase(
        target: "/company/1/licensing/..%20/users",
        expected: .block,
        technique: "space after dot-dot out of licensing"
    ),

    // Fragments and encoded query delimiters.
    AttackCase(target: "/customer#/../company/1", expected: .block, technique: "fragment hides a traversal"),
    AttackCase(target: "/customer/x%3f/../../company/1", expected: .block, technique: "encoded ? before traversal"),
    AttackCase(target: "/company/1%3f/customer", expected: .block, technique: "encoded ? in admin"),
    AttackCase(target: "/company%23/1", expected: .block, technique: "encoded # in admin"),

    // Invalid escapes around admin paths.
    AttackCase(target: "/company/%zz", expected: .block, technique: "invalid escape under admin"),
    AttackCase(target: "/company%/1", expected: .block, technique: "lone percent"),

    // Ambiguous targets whose every reading is a forwarded class: 400, not forwarded either.
    AttackCase(target: "/customer/a%2fb", expected: .forward, technique: "encoded slash in client"),
    AttackCase(target: "/customer/x;jsessionid=1", expected: .forward, technique: "parameter in client"),
    AttackCase(target: "/customer\\x", expected: .block, technique: "backslash joins client to an unknown segment"),
    AttackCase(target: "/customer/x\\y", expected: .forward, technique: "backslash in client"),
    AttackCase(target: "/customer/%zz", expected: .forward, technique: "invalid escape in client"),
    AttackCase(target: "/customer/100%", expected: .forward, technique: "truncated escape in client"),
    AttackCase(target: "/customer/%252f", expected: .forward, technique: "double encoding in client"),
    AttackCase(target: "/customer/%c0%ae", expected: .forward, technique: "overlong dot in client"),
    AttackCase(target: "/customer/ｘ", expected: .forward, technique: "full-width letter in client"),
    AttackCase(target: "/customer/x\u{200B}", expected: .forward, technique: "zero-width in client"),
    AttackCase(target: "/customer/x%00", expected: .forward, technique: "NUL in client"),
    AttackCase(target: "/customer#frag", expected: .block, technique: "fragment read as path: unknown segment"),
    AttackCase(target: "/customer/x#frag", expected: .forward, technique: "fragment on client"),
    AttackCase(target: "/customer/./x", expected: .forward, technique: "dot segment in client"),
    AttackCase(target: "/customer/../api/x", expected: .forward, technique: "traversal between forwarded classes"),
    AttackCase(
        target: "/api/%2e%2e/customer",
        expected: .forward,
        technique: "encoded traversal between forwarded classes"
    ),
    AttackCase(target: "/company/1/licensing/./pay", expected: .forward, technique: "dot segment in licensing"),
    AttackCase(
        target: "/company/1/licensing;x",
        expected: .block,
        technique: "parameter makes licensing an admin path"
    ),
    AttackCase(target: "/company/1/licensing/pay;x", expected: .forward, technique: "parameter inside licensing"),
    AttackCase(target: "/v2api/%u0041", expected: .forward, technique: "%u escape in API"),
    AttackCase(target: "/login%20", expected: .block, technique: "trailing space: unknown unless trimmed"),
    AttackCase(target: "/customer/x%20", expected: .forward, technique: "trailing space in client"),
    AttackCase(target: "/customer/%20x%09/y", expected: .forward, technique: "whitespace around a client segment"),
    AttackCase(target: "/customer/1/a%e2%88%95b.pdf", expected: .forward, technique: "division slash within client"),
    AttackCase(target: "/customer/1/¥100.pdf", expected: .forward, technique: "yen sign within client"),
    AttackCase(
        target: "/customer/1/..%20/api/x",
        expected: .forward,
        technique: "trimmed dot-dot within forwarded classes"
    ),
    // Found by fuzzing: a segment of dots that trimming empties, cut out of one raw segment by an
    // encoded slash, so that its `..` pops the segment before it when slashes merge first.
    AttackCase(
        target: "/assets/...%2f..%2fcom.%ny/1.%2f..%2fcom.%ny/1",
        expected: .block,
        technique: "dots trimmed to an empty segment behind an encoded slash"
    ),
    AttackCase(
        target: "/assets/...%2f..%2fcompany/1",
        expected: .block,
        technique: "dots trimmed to an empty segment, then the admin path"
    ),
    AttackCase(
        target: "/assets/;p%2f..%2fcompany/1",
        expected: .block,
        technique: "parameters stripped to an empty segment"
    ),
    // Found by fuzzing: `%+0` is a NUL to a decoder that reads an escape with sscanf("%2x"),
    // and the path ends after the `..` that pops the licensing section.
    AttackCase(
        target: "/company/1/licensing/..%+0/users",
        expected: .block,
        technique: "a signed escape read as a NUL"
    ),
    AttackCase(
        target: "/company/1/licensing/..%25+0/users",
        expected: .block,
        technique: "a signed escape revealed by a second decoding"
    ),
]

/// Header-borne routing overrides (X-Original-URL and friends, underscore spellings that CGI
/// servers fold into the same variable, h2c upgrade smuggling): sent with a frozen tenant's
/// forwarded request for `/`, each must be gone from what reaches the upstream.
public let headerAttackCorpus: [(name: String, value: String)] = [
    ("X-Original-URL", "/company/1/users"),
    ("X-Rewrite-URL", "/company/1/users"),
    ("X-Override-URL", "/company/1/users"),
    ("X-Original-URI", "/company/1/users"),
    ("X-Rewrite-URI", "/teacher"),
    ("X-Original-Path", "/teacher"),
    ("X-Forwarded-Prefix", "/company/1"),
    ("X-Forwarded-Path", "/company/1"),
    ("X-Forwarded-Uri", "/company/1"),
    ("X-Forwarded-Url", "http://acme.s20.online/company/1"),
    ("X-Forwarded-Server", "acme.s20.online"),
    ("X-Forwarded-Script-Name", "/company"),
    ("X-Script-Name", "/company"),
    ("X-Envoy-Original-Path", "/company/1"),
    ("X-Request-URI", "/company/1"),
    ("X-Proxy-URL", "http://acme.s20.online/company/1"),
    ("X-Original-Host", "beta.s20.online"),
    ("X-Host", "beta.s20.online"),
    ("X-HTTP-Host-Override", "beta.s20.online"),
    ("Base-Url", "/company"),
    ("Request-Uri", "/company/1/users"),
    ("X-HTTP-Path-Override", "/company/1/users"),
    ("X-Original-Url", "/company/1/users"),
    ("X-Rewrite-Url", "/teacher"),
    ("X-Forwarded-Base", "/company"),
    ("Forwarded-Host", "beta.s20.online"),
    ("Proxy-Host", "beta.s20.online"),
    ("REQUEST-URI", "/company/1/users"),
    ("X_Original_URL", "/company/1/users"),
    ("x_rewrite_url", "/company/1/users"),
    ("X-Original_URL", "/company/1/users"),
    ("Host_", "beta.s20.online"),
    ("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"),
]
