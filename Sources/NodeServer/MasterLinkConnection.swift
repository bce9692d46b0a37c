import NIOCore
import NIOPosix
import NodeEngine

/// A replica's connection to its master: the engine decides (connect,
/// send, close) and this carries it out on the engine's loop, handing back
/// what arrives. One connection at a time; each attempt is numbered so
/// late events of an old one are dropped.
final class MasterLinkConnection {
    private let engine: NodeEngine
    private let loop: any EventLoop
    private var channel: (any Channel)?
    private var attempt = 0

    init(engine: NodeEngine, loop: any EventLoop) {
        self.engine = engine
        self.loop = loop
    }

    /// Installs the engine's callback. Runs on the loop.
    func start() {
        engine.replicationOutput = { [unowned self] action in self.perform(action) }
    }

    private func perform(_ action: ReplicationAction) {
        switch action {
        case .connect(let host, let port, let attempt, let timeout):
            channel?.close(promise: nil)
            channel = nil
            self.attempt = attempt
            connect(host: host, port: port, attempt: attempt, timeout: timeout)
        case .send(let bytes, let attempt):
            guard attempt == self.attempt, let channel else { return }
            channel.writeAndFlush(bytes, promise: nil)
        case .close(let attempt):
            guard attempt == self.attempt else { return }
            channel?.close(promise: nil)
            channel = nil
        }
    }

    private func connect(host: String, port: Int, attempt: Int, timeout: Int64) {
        let handler = MasterLinkHandler(engine: engine, attempt: attempt)
        ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(max(1000, timeout)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: host, port: port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    guard attempt == self.attempt else { return channel.close(promise: nil) }
                    self.channel = channel
                    engine.masterLinkConnected(attempt: attempt)
                case .failure(let error):
                    engine.masterLinkFailed(attempt: attempt, reason: "\(error)")
                }
            }
    }
}

private final class MasterLinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let engine: NodeEngine
    private let attempt: Int
    private var active = false

    init(engine: NodeEngine, attempt: Int) {
        self.engine = engine
        self.attempt = attempt
    }

    func channelActive(context: ChannelHandlerContext) {
        active = true
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        engine.countInput(bytes.readableBytes)
        engine.masterLinkReceived(attempt: attempt, &bytes)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if active { engine.masterLinkFailed(attempt: attempt, reason: "connection closed") }
        active = false
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
