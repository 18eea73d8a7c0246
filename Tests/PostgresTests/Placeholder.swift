import Testing

@Test func PostgresTestsPlaceholder() {}
