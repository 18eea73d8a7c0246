/// Inbound user event fired by ``RequestDecodingHandler`` when the first byte of a request head
/// arrives: the keep-alive idle timer stops and the header-read timer starts.
public struct RequestHeadStarted: Sendable, Hashable {
    public init() {}
}
