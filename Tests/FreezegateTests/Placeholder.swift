import Testing

@Test func FreezegateTestsPlaceholder() {}
