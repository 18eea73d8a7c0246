/// The side of a client connection that receives what its leased upstream connection reports.
/// Called on the event loop both channels share.
protocol UpstreamResponseDelegate: AnyObject {
    func upstreamReceived(_ part: UpstreamResponseParser.Part)
    func upstreamReadComplete()
    func upstreamWritabilityChanged(isWritable: Bool)
    /// The upstream connection failed or closed while leased.
    func upstreamClosed(error: Error?)
    /// The deadline the client side armed for the response head passed without one, or the
    /// upstream sent nothing for as long in the middle of the body.
    func upstreamResponseTimedOut()
}
