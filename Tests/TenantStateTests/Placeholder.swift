import Testing

@Test func TenantStateTestsPlaceholder() {}
