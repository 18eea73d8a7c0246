import Testing

@testable import TenantState

@Suite struct ReconnectBackoffTests {
    let backoff = ReconnectBackoff()

    @Test func growsByHalfPerAttemptFromOneTenthOfASecond() {
        #expect(self.backoff.delay(forAttempt: 0, unitRandom: 0) == .milliseconds(100))
        #expect(self.backoff.delay(forAttempt: 1, unitRandom: 0) == .milliseconds(150))
        #expect(self.backoff.delay(forAttempt: 2, unitRandom: 0) == .milliseconds(225))
    }

    /// A long outage must not leave the gateway asleep when the database (or a promoted
    /// standby) comes back.
    @Test func isCappedAtHalfASecond() {
        #expect(self.backoff.delay(forAttempt: 40, unitRandom: 0) == .milliseconds(500))
        #expect(self.backoff.delay(forAttempt: 100_000, unitRandom: 0) == .milliseconds(500))
    }

    @Test func jitterTakesAwayAtMostHalf() {
        #expect(self.backoff.delay(forAttempt: 40, unitRandom: 0.99) > .milliseconds(250))
        #expect(self.backoff.delay(forAttempt: 40, unitRandom: 0.5) == .milliseconds(375))
        for _ in 0..<100 {
            let delay = self.backoff.delay(forAttempt: 3)
            #expect(delay <= .milliseconds(338) && delay >= .milliseconds(168))
        }
    }

    @Test func negativeAttemptsCountAsTheFirst() {
        #expect(self.backoff.delay(forAttempt: -1, unitRandom: 0) == .milliseconds(100))
    }
}
