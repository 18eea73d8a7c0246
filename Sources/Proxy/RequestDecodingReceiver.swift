import HTTPHead
import NIOHTTP1

/// What ``RequestDecodingHandler`` decodes, handed straight to the handler behind it on the same
/// connection. Each request otherwise costs two pipeline reads and a user event, each boxed in
/// `NIOAny`/`Any` and cast back; without a receiver the decoder fires those pipeline events.
protocol RequestDecodingReceiver: AnyObject {
    /// A request head, with the body framing the parser decided for it.
    func requestHeadDecoded(_ head: RequestHead, framing: MessageFraming)
    /// A body part or the end of a request (never a head: those come with their framing above).
    func requestPartDecoded(_ part: RequestPart)
    /// The first byte of a request head arrived.
    func requestHeadStarted()
    func requestRejected(_ rejection: RequestRejection)
}
