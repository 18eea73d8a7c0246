/// One event loop's request IDs: every connection and HTTP/2 stream of the loop draws from it, so
/// the generator is seeded once per loop (one `getrandom`), not once per connection or stream.
/// Only that loop touches it, so it needs no lock.
final class RequestIDSource {
    private var generator = RequestIDGenerator()

    func next() -> String {
        self.generator.next()
    }
}
