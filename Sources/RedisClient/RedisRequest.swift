import NIOCore
import RESP

/// Commands written together and the promise for their replies, in order.
/// Error replies stay RESP values here; the connection classifies them, so a
/// pipeline returns partial failures without losing the other replies.
struct RedisRequest {
    let encoded: ByteBuffer
    let replyCount: Int
    let promise: EventLoopPromise<[RESPValue]>
}
