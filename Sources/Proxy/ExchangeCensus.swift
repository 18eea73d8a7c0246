import NIOConcurrencyHelpers

/// How many ``ClientExchange`` objects are alive, in debug builds (where the tests run): an exchange
/// and the handlers around it hold each other strongly until its connection or stream ends, so a
/// missed release is a leak, and the tests check that every exchange is freed. Release builds
/// count nothing: the count is a lock shared by the event loops, and an HTTP/2 stream makes an
/// exchange per request.
final class ExchangeCensus: Sendable {
    private let live = NIOLockedValueBox(0)

    var count: Int { self.live.withLockedValue { $0 } }

    func exchangeCreated() {
        self.live.withLockedValue { $0 += 1 }
    }

    func exchangeFreed() {
        self.live.withLockedValue { $0 -= 1 }
    }
}
