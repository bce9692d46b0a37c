import NIOCore
import RESP

/// Matches replies to requests in write order: N commands written, N replies
/// read. Any failure fails every pending request and closes the channel, since
/// the reply stream can no longer be matched to its commands.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var pending = CircularBuffer<RedisRequest>()
    /// Replies so far to the oldest pending request. Kept out of `pending`:
    /// appending through CircularBuffer's subscript copies the array each
    /// time, which made a pipeline of n commands cost n² copies.
    private var headReplies: [RESPValue] = []
    private var failure: (any Error)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        pending.append(request)
        context.write(wrapOutboundOut(request.encoded), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        if case .push = value { return }  // out-of-band RESP3 pushes belong to no request
        guard !pending.isEmpty else {
            failAll(RedisHandlerError.unsolicitedReply, context: context)
            return
        }
        if headReplies.isEmpty { headReplies.reserveCapacity(pending[pending.startIndex].replyCount) }
        headReplies.append(value)
        if headReplies.count == pending[pending.startIndex].replyCount {
            let done = pending.removeFirst()
            let replies = headReplies
            headReplies = []
            done.promise.succeed(replies)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisHandlerError.closed, context: context)
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error, context: ChannelHandlerContext) {
        if failure == nil { failure = error }
        headReplies = []
        while let request = pending.popFirst() { request.promise.fail(failure!) }
        context.close(promise: nil)
    }
}

enum RedisHandlerError: Error {
    case closed
    case unsolicitedReply
    case timedOut
}
