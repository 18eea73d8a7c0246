/// What became of a request, as the database decided it; the reply is written from it.
public enum RequestOutcome: Sendable, Equatable {
    /// The freeze was made.
    case accepted(AcceptedFreeze)
    /// A freeze rule refused it: its SQLSTATE and the database's hint (which names the nearest
    /// acceptable request where there is one).
    case refused(sqlState: String, hint: String?)
    /// The request could not be read without guessing.
    case unreadable
    /// The sender could not be verified: never answered.
    case unverified
}
