import Testing

@Test func ProxyTestsPlaceholder() {}
