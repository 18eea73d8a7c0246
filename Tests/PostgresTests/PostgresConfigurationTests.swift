import Testing

@testable import Postgres

/// A multi-host connection string asks for the primary unless it says otherwise: a standby
/// listed first must not become the gateway's database (no NOTIFY reaches a standby).
@Suite struct PostgresSessionDefaultsTests {
    static func defaults(_ connectionString: String) -> [String] {
        PostgresConfiguration(connectionString: connectionString).sessionDefaults.map { "\($0.0)=\($0.1)" }
    }

    @Test func severalHostsAskForThePrimary() {
        #expect(Self.defaults("postgresql://gw@db1:5432,db2:5432/crm") == ["target_session_attrs=read-write"])
        #expect(Self.defaults("host=db1,db2 dbname=crm user=gw") == ["target_session_attrs=read-write"])
        #expect(Self.defaults("hostaddr=10.0.0.1,10.0.0.2 dbname=crm") == ["target_session_attrs=read-write"])
    }

    @Test func oneHostOrAnExplicitChoiceIsLeftAlone() {
        #expect(Self.defaults("postgresql://gw@db1:5432/crm").isEmpty)
        #expect(Self.defaults("host=/run/postgresql dbname=crm").isEmpty)
        #expect(Self.defaults("postgresql://gw@db1,db2/crm?target_session_attrs=any").isEmpty)
        #expect(Self.defaults("host=db1,db2 target_session_attrs=prefer-standby").isEmpty)
        #expect(Self.defaults("not a connection string ===").isEmpty)
    }
}
