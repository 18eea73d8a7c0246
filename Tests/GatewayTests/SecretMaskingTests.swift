import Testing

@testable import Gateway

@Suite struct SecretMaskingTests {
    @Test(arguments: [
        ("postgresql://u:secret@h/db", "postgresql://u:****@h/db"),
        ("postgres://u:s%40cret@h:5432/db?sslmode=require", "postgres://u:****@h:5432/db?sslmode=require"),
        (
            "postgresql://u@/db?host=/run/pg&password=secret&port=5432",
            "postgresql://u@/db?host=/run/pg&password=****&port=5432"
        ),
        ("postgresql://u:p@ss@h/db", "postgresql://u:****@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
        ("host=/run/pg dbname=crm password=secret", "host=/run/pg dbname=crm password=****"),
        ("password = 'se cr\\'et' user=gw", "password = **** user=gw"),
        ("PASSWORD=secret", "PASSWORD=****"),
        ("dbname=crm user=gw", "dbname=crm user=gw"),
    ])
    func masksThePassword(input: String, expected: String) {
        let masked = SecretMasking.maskDatabaseURL(input)
        #expect(masked == expected)
        #expect(!masked.contains("secret"))
    }
}
