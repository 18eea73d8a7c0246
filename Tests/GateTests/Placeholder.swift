import Testing

@Test func GateTestsPlaceholder() {}
