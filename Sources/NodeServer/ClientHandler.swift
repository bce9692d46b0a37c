import NIOCore
import NodeEngine

/// One client connection: bytes in, the engine runs every complete request,
/// replies go out in one write and one flush per read batch; the flush
/// waits for the AOF's write of the batch (BeforeSleep) when there is one.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let engine: NodeEngine
    private let beforeSleep: BeforeSleep
    private let onShutdown: () -> Void
    private var client: ClientSession?
    private var inbound = ByteBuffer()
    /// `inbound`'s size between reads, for CLIENT LIST: `inbound` itself is
    /// borrowed while its commands run, and one of them may be CLIENT LIST.
    private var inboundBytes = 0
    private var context: ChannelHandlerContext?
    /// When the last reply held back by DEBUG FAULT SLOW goes out: later
    /// ones never overtake it, even once the delay is lowered.
    private var lastDelayedDeadline = NIODeadline.uptimeNanoseconds(0)

    init(engine: NodeEngine, beforeSleep: BeforeSleep, onShutdown: @escaping () -> Void) {
        self.engine = engine
        self.beforeSleep = beforeSleep
        self.onShutdown = onShutdown
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        let remote = context.channel.remoteAddress
        let local = context.channel.localAddress
        let session = engine.connect(address: Self.describe(remote), localAddress: Self.describe(local),
                                     isLoopback: Self.isLoopback(remote))
        if engine.refusesInProtectedMode(session) {
            engine.disconnect(session)
            var refusal = context.channel.allocator.buffer(capacity: 1024)
            refusal.writeString(NodeEngine.protectedModeMessage)
            context.writeAndFlush(wrapOutboundOut(refusal)).whenComplete { _ in context.close(promise: nil) }
            return
        }
        // Deferred to the loop: a wake comes from inside another client's command.
        let loop = context.eventLoop
        session.wake = { [weak self] in
            loop.execute { self?.flushReplies() }
        }
        session.bufferedInput = { [weak self] in self?.inboundBytes ?? 0 }
        let channel = context.channel
        session.bufferedOutput = { (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0 }
        client = session
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let client { engine.disconnect(client) }
        client = nil
        self.context = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let client else { return }
        var bytes = unwrapInboundIn(data)
        engine.countInput(bytes.readableBytes)
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound.writeBuffer(&bytes)
        }
        inboundBytes = inbound.readableBytes
        let keepOpen = engine.process(client, inbound: &inbound)
        inboundBytes = inbound.readableBytes
        if let replies = client.takeReplies() { send(replies, context: context, flush: false) }
        if !keepOpen {
            let shutdown = engine.shutdownRequested
            beforeSleep.afterAppendOnlyWrite { [self] in
                afterReplyDelay(context) { [self] in
                    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                        context.close(promise: nil)
                    }
                }
                if shutdown { onShutdown() }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if beforeSleep.holdsReplies {
            beforeSleep.afterAppendOnlyWrite { context.flush() }
        } else {
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Replies written by another client's command, a woken blocking pop or
    /// a kill: send them now, then run what the client sent while it waited.
    private func flushReplies() {
        guard let context, let client else { return }
        if !engine.isBlocked(client) && inbound.readableBytes > 0 {
            _ = engine.process(client, inbound: &inbound)
            inboundBytes = inbound.readableBytes
        }
        if let replies = client.takeReplies() { send(replies, context: context, flush: false) }
        let closes = client.closeAfterReply
        beforeSleep.afterAppendOnlyWrite { [self] in
            context.flush()
            if closes { afterReplyDelay(context) { context.close(promise: nil) } }
        }
    }

    /// Writes replies. A client past its class's output limits (a
    /// subscriber or a replica, by default) is closed; what the socket has
    /// not taken yet is the channel's count, so no promise per write.
    private func send(_ replies: ByteBuffer, context: ChannelHandlerContext, flush: Bool) {
        let size = replies.readableBytes
        engine.countOutput(size)
        if let client, engine.hasOutputBufferLimits(client),
           let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
           engine.exceedsOutputBufferLimit(client, pending: pending + size) {
            context.close(promise: nil)
            return
        }
        if engine.faults.replyDelayMilliseconds > 0 || lastDelayedDeadline > .now() {
            afterReplyDelay(context) { [self] in context.writeAndFlush(wrapOutboundOut(replies), promise: nil) }
        } else if flush {
            context.writeAndFlush(wrapOutboundOut(replies), promise: nil)
        } else {
            context.write(wrapOutboundOut(replies), promise: nil)
        }
    }

    /// Runs `body` once DEBUG FAULT SLOW's delay has passed, and after
    /// everything delayed before it; at once when nothing is delayed.
    private func afterReplyDelay(_ context: ChannelHandlerContext, _ body: @escaping () -> Void) {
        let now = NIODeadline.now()
        let delay = TimeAmount.milliseconds(Int64(engine.faults.replyDelayMilliseconds))
        guard delay > .zero || lastDelayedDeadline > now else { return body() }
        let deadline = max(now + delay, lastDelayedDeadline + .nanoseconds(1))
        lastDelayedDeadline = deadline
        context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { body() }
    }

    static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "?:0" }
        return "\(ip):\(port)"
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return true }  // unix socket
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
