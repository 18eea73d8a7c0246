/// Blocked pages already rendered, by what they say (``BlockedPageKey``), so that a frozen school's
/// page is rendered once and not on every request: Mustache renders through dynamic casts and
/// dictionary lookups (about 90 µs for the built-in page), a cached page costs a lookup and a copy.
///
/// The request ID, which differs on every request, is spliced in: a page is rendered with a marker
/// where the ID goes and kept as the bytes between the markers. It is kept only when splicing a
/// probe ID gives exactly what rendering that ID gives, so an operator's template that transforms
/// the ID (`{{uppercased(requestID)}}`) is rendered per request as before; and only IDs made of
/// characters no escaping changes are spliced (a trusted proxy's other IDs are rendered).
///
/// Not Sendable and never locked: one per thread (the gateway keeps one per event loop). Bounded:
/// when full it starts over.
public final class BlockedPageCache {
    /// A page as the bytes around its request IDs, or a note that this page must be rendered each time.
    enum Entry {
        case segments([[UInt8]])
        case renderedEachTime
    }

    public let capacity: Int
    private var entries: [BlockedPageKey: Entry] = [:]
    /// The renderer the entries came from: a reloaded profile (new templates, new branding) starts over.
    private var renderer: BlockedPageRenderer.Identity?
    /// Pages rendered with Mustache (misses and pages rendered each time), for tests.
    public private(set) var renders = 0

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { self.entries.count }

    func entry(_ key: BlockedPageKey, renderer: BlockedPageRenderer.Identity) -> Entry? {
        guard self.renderer === renderer else { return nil }
        return self.entries[key]
    }

    func store(_ entry: Entry, for key: BlockedPageKey, renderer: BlockedPageRenderer.Identity) {
        if self.renderer !== renderer {
            self.entries.removeAll()
            self.renderer = renderer
        } else if self.entries.count >= self.capacity {
            self.entries.removeAll(keepingCapacity: true)
        }
        self.entries[key] = entry
    }

    func countRender() {
        self.renders += 1
    }
}
