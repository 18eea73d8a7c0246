/// The bucket bounds of the proxy's latency histograms, in nanoseconds.
///
/// A forwarded request usually costs well under a millisecond of gateway time plus the CRM's own
/// time (tens to hundreds of milliseconds), and the upstream response timeout defaults to 60 s.
/// Fine steps below 10 ms show the gateway's own cost and a fast upstream; coarse ones above 1 s
/// show slow pages and timeouts. `serve`'s metric catalog describes its histograms with these, and
/// a histogram the registry has no description of (tests without the catalog) falls back to them.
public enum ProxyLatencyBuckets {
    public static let nanoseconds: [Int64] = [
        500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000,
        500_000_000, 1_000_000_000, 2_500_000_000, 5_000_000_000, 10_000_000_000, 30_000_000_000, 60_000_000_000,
    ]
}
