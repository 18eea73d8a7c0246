/// Where a pooled connection is in its life.
enum PoolPhase: Sendable, Equatable {
    case leased
    case idle
    case closed
}
