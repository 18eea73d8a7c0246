/// The drain time ran out at shutdown: the gateway closes the connection now, and the exchanges
/// still open on it are logged as cut by the drain (`outcome=drain_timeout`), not by their client.
struct DrainDeadlineReached: Sendable {}
