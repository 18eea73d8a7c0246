import Testing

@testable import Postgres

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

    /// `serve --log-level debug` lists its services with the values they hold: a configuration in
    /// one of them must not show the password.
    @Test(arguments: ["postgresql://u:secret@h/db", "host=h user=u password=secret dbname=d"])
    func aConfigurationDescribedShowsNoPassword(_ url: String) {
        struct Service { let database: PostgresConfiguration }
        let configuration = PostgresConfiguration(connectionString: url)
        for text in [
            String(describing: configuration), String(reflecting: configuration), "\(Service(database: configuration))",
            String(reflecting: Service(database: configuration)),
        ] {
            #expect(!text.contains("secret"), "\(text)")
            #expect(text.contains("****"), "\(text)")
        }
    }
}
