import NIOCore

/// The rules of one loop's pool of upstream connections, as a value: how many are open, which are
/// idle, who waits, and what to do on every event. ``UpstreamConnectionPool`` owns the channels and
/// runs the actions this returns; here there is no I/O, so every rule is tested without a socket.
///
/// Generic over the connection (a class whose ``PooledConnection/poolPhase`` the state keeps) and
/// the waiter (the pool's promise and timer; a number in tests).
struct UpstreamPoolState<Connection: PooledConnection, Waiter> {
    /// What `acquire` asks the pool to do.
    enum Acquisition {
        /// An idle connection, already marked leased.
        case lease(Connection)
        /// Open a new connection (already counted as open; report a failure with ``connectFailed()``).
        case connect
        /// Every connection is busy: this waiter (the one `makeWaiter` made) is queued until a
        /// connection is released or its time runs out.
        case wait(Waiter)
        /// The pool is shut down.
        case refuse
    }

    /// What `release` asks the pool to do.
    enum Release {
        /// It was not leased (released twice, or detached): nothing.
        case none
        /// Hand the connection, still leased, to this waiter.
        case handOver(to: Waiter)
        /// It went back to the idle list; schedule the idle sweep if none is pending.
        case keptIdle
        /// Close it; if a waiter is given, open a new connection for it (already counted).
        case close(connectFor: Waiter?)
    }

    let maxConnections: Int
    private(set) var idle: [Connection] = []
    /// Connections open or being opened: idle, leased (including those a waiter was handed).
    private(set) var openCount = 0
    private(set) var waiters = CircularBuffer<Waiter>()
    private(set) var isShutDown = false

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// Requests this server is busy with on this loop: leased or connecting connections and
    /// waiters (least connections compares it).
    var activeCount: Int { self.openCount - self.idle.count + self.waiters.count }

    /// The most recently idle connection still alive, leased (`isAlive` tells a connection the
    /// upstream closed meanwhile; those are dropped).
    mutating func leaseIdle(isAlive: (Connection) -> Bool) -> Connection? {
        guard !self.isShutDown else { return nil }
        while let connection = self.idle.popLast() {
            guard isAlive(connection) else {
                connection.poolPhase = .closed
                self.openCount -= 1
                continue
            }
            connection.poolPhase = .leased
            return connection
        }
        return nil
    }

    /// An idle connection, else a new one while under the limit, else a place in the queue for the
    /// waiter `makeWaiter` makes.
    mutating func acquire(isAlive: (Connection) -> Bool, makeWaiter: () -> Waiter) -> Acquisition {
        if self.isShutDown { return .refuse }
        if let connection = self.leaseIdle(isAlive: isAlive) { return .lease(connection) }
        if self.openCount < self.maxConnections {
            self.openCount += 1
            return .connect
        }
        let waiter = makeWaiter()
        self.waiters.append(waiter)
        return .wait(waiter)
    }

    /// A connection counted by `.connect` (or `.close(connectFor:)`) could not be opened.
    mutating func connectFailed() {
        self.openCount -= 1
    }

    /// A leased connection comes back. `reusable`: its exchange completed, the upstream keeps it
    /// alive, and it still points at a current address of the server.
    mutating func release(_ connection: Connection, reusable: Bool, now: NIODeadline) -> Release {
        guard connection.poolPhase == .leased else { return .none }
        if reusable && !self.isShutDown {
            if let waiter = self.waiters.popFirst() { return .handOver(to: waiter) }
            connection.poolPhase = .idle
            connection.idleSince = now
            self.idle.append(connection)
            return .keptIdle
        }
        connection.poolPhase = .closed
        self.openCount -= 1
        return .close(connectFor: self.connectForWaiter())
    }

    /// A leased connection leaves the pool for good (it became a tunnel); if a waiter is returned,
    /// open a new connection for it (already counted).
    mutating func detach(_ connection: Connection) -> Waiter? {
        guard connection.poolPhase == .leased else { return nil }
        connection.poolPhase = .closed
        self.openCount -= 1
        return self.connectForWaiter()
    }

    /// A connection's channel closed. Only an idle one is the pool's to forget; a leased one is
    /// counted when it is released or detached.
    mutating func closed(_ connection: Connection) {
        guard connection.poolPhase == .idle else { return }
        connection.poolPhase = .closed
        self.openCount -= 1
        if let index = self.idle.firstIndex(where: { $0 === connection }) {
            self.idle.remove(at: index)
        }
    }

    /// Removes from the idle list, for the pool to close, every connection `shouldClose` picks
    /// (idle too long; connected to an address the server no longer has).
    mutating func removeIdle(where shouldClose: (Connection) -> Bool) -> [Connection] {
        var removed: [Connection] = []
        var kept: [Connection] = []
        for connection in self.idle {
            if shouldClose(connection) {
                connection.poolPhase = .closed
                self.openCount -= 1
                removed.append(connection)
            } else {
                kept.append(connection)
            }
        }
        self.idle = kept
        return removed
    }

    /// A waiter's time ran out: true if it was still waiting (the pool then fails it).
    mutating func removeWaiter(where isTheWaiter: (Waiter) -> Bool) -> Bool {
        guard let index = self.waiters.firstIndex(where: isTheWaiter) else { return false }
        self.waiters.remove(at: index)
        return true
    }

    /// Refuses everything from now on; returns the idle connections to close and the waiters to
    /// fail. Leased connections are closed as they come back.
    mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
        self.isShutDown = true
        let waiters = Array(self.waiters)
        self.waiters.removeAll()
        return (self.idle, waiters)
    }

    /// The first waiter, for whom a new connection is counted now, since one just closed.
    private mutating func connectForWaiter() -> Waiter? {
        guard let waiter = self.waiters.popFirst() else { return nil }
        self.openCount += 1
        return waiter
    }
}
