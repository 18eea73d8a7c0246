/// Blocked pages already rendered, by what they say (``BlockedPageKey``), so that a frozen school's
/// page is rendered once and not on every request: Mustache renders through dynamic casts and
/// dictionary lookups (about 90 µs for the built-in page), a cached page costs a lookup and a copy.
///
/// The request ID, which differs on every request, is spliced in: a page is rendered with a marker
/// where the ID goes and kept as the bytes between the markers. Splicing is trusted for a
/// ``BlockedPageShape`` once splicing a probe ID gave exactly what rendering that ID gave, so an
/// operator's template that transforms the ID (`{{uppercased(requestID)}}`) is rendered per
/// request as before; and only IDs made of characters no escaping changes are spliced (a trusted
/// proxy's other IDs are rendered). A page not seen before costs one render once its shape is
/// known, so requests made to miss (a new Licensing link per request) cost what they cost without
/// the cache.
///
/// The JSON answer, which says nothing per request, is kept too, by what it says (``BlockedJSONKey``).
///
/// Not Sendable and never locked: one per thread (the gateway keeps one per event loop). Bounded
/// by pages and by bytes (an operator's page may be large, with an inlined logo): when either is
/// reached it starts over, and a page larger than the whole budget is never kept.
public final class BlockedPageCache {
    public let capacity: Int
    public let maxBytes: Int
    private var pages: [BlockedPageKey: [[UInt8]]] = [:]
    /// The bytes of the pages kept.
    public private(set) var bytes = 0
    /// JSON answers (small, and the same whatever the profile's templates).
    private var jsonBodies: [BlockedJSONKey: [UInt8]] = [:]
    /// Per shape: whether splicing the ID gives what rendering it gives.
    private var splicing: [BlockedPageShape: Bool] = [:]
    /// The renderer the entries came from: a reloaded profile (new templates, new branding) starts over.
    private var renderer: BlockedPageRenderer.Identity?
    /// Pages rendered with Mustache, for tests.
    public private(set) var renders = 0

    public init(capacity: Int = 256, maxBytes: Int = 4 << 20) {
        self.capacity = max(1, capacity)
        self.maxBytes = max(0, maxBytes)
    }

    public var count: Int { self.pages.count }
    public var jsonCount: Int { self.jsonBodies.count }

    func segments(_ key: BlockedPageKey, renderer: BlockedPageRenderer.Identity) -> [[UInt8]]? {
        guard self.renderer === renderer else { return nil }
        return self.pages[key]
    }

    func store(_ segments: [[UInt8]], for key: BlockedPageKey, renderer: BlockedPageRenderer.Identity) {
        self.startOverIfNew(renderer)
        let size = Self.size(of: segments)
        guard size <= self.maxBytes else { return }
        if self.pages.count >= self.capacity || self.bytes + size > self.maxBytes {
            self.pages.removeAll(keepingCapacity: true)
            self.bytes = 0
        }
        let replaced = self.pages.updateValue(segments, forKey: key)
        self.bytes += size - (replaced.map(Self.size(of:)) ?? 0)
    }

    private static func size(of segments: [[UInt8]]) -> Int {
        segments.reduce(0) { $0 + $1.count }
    }

    func jsonBody(_ key: BlockedJSONKey) -> [UInt8]? {
        self.jsonBodies[key]
    }

    func storeJSONBody(_ body: [UInt8], for key: BlockedJSONKey) {
        if self.jsonBodies.count >= self.capacity { self.jsonBodies.removeAll(keepingCapacity: true) }
        self.jsonBodies[key] = body
    }

    func splicingWorks(_ shape: BlockedPageShape, renderer: BlockedPageRenderer.Identity) -> Bool? {
        guard self.renderer === renderer else { return nil }
        return self.splicing[shape]
    }

    func recordSplicing(_ works: Bool, for shape: BlockedPageShape, renderer: BlockedPageRenderer.Identity) {
        self.startOverIfNew(renderer)
        self.splicing[shape] = works
    }

    func countRender() {
        self.renders += 1
    }

    private func startOverIfNew(_ renderer: BlockedPageRenderer.Identity) {
        guard self.renderer !== renderer else { return }
        self.pages.removeAll()
        self.bytes = 0
        self.splicing.removeAll()
        self.renderer = renderer
    }
}
