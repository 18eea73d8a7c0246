/// A TLS handshake that did not finish within the client header timeout (``TLSHandshakeObserver``).
struct TLSHandshakeTimedOut: Error {}
