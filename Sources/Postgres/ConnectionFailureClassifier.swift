/// Gives a failed connect the SQLSTATE the server would have sent.
///
/// libpq reports a failed connect only as text (`PQerrorMessage`); the server's SQLSTATE of its FATAL
/// response is not exposed. Callers still need to tell "wrong password" from "server down", so the
/// well-known messages are mapped here; anything else counts as "unable to connect" (08001).
enum ConnectionFailureClassifier {
    private static let patterns: [(fragment: String, sqlState: String)] = [
        ("password authentication failed", "28P01"),
        ("no password supplied", "28P01"),
        ("fe_sendauth: no password", "28P01"),
        ("scram authentication", "28P01"),
        ("no pg_hba.conf entry", "28000"),
        ("role \"", "28000"),
        ("database \"", "3D000"),
        ("the database system is starting up", "57P03"),
        ("the database system is shutting down", "57P03"),
        ("too many connections", "53300"),
        ("remaining connection slots", "53300"),
    ]

    static func sqlState(forMessage message: String) -> String {
        let lowered = message.lowercased()
        for (fragment, sqlState) in patterns where lowered.contains(fragment) {
            if fragment == "role \"" && !lowered.contains("does not exist") { continue }
            if fragment == "database \"" && !lowered.contains("does not exist") { continue }
            return sqlState
        }
        return "08001"
    }
}
