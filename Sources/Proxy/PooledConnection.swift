import NIOCore

/// A connection as the pool's state sees it: where it is in its life and since when it is idle.
protocol PooledConnection: AnyObject {
    var poolPhase: PoolPhase { get set }
    var idleSince: NIODeadline { get set }
}
