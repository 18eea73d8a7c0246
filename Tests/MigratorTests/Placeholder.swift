import Testing

@Test func MigratorTestsPlaceholder() {}
