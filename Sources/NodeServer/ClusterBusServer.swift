import NIOCore
import NIOPosix
import NodeEngine

/// The cluster bus's sockets: the listener on the bus port, the links this
/// node opens, and the bytes between them and the engine's bus logic. All
/// of it on the engine's event loop.
final class ClusterBusServer {
    private let engine: NodeEngine
    private let loop: any EventLoop
    private let group: any EventLoopGroup
    private var channels: [Int: any Channel] = [:]
    /// Messages for an outbound link still connecting (redis-server queues them too).
    private var pending: [Int: [[UInt8]]] = [:]
    private var listeners: [any Channel] = []

    init(engine: NodeEngine, loop: any EventLoop, group: any EventLoopGroup) {
        self.engine = engine
        self.loop = loop
        self.group = group
    }

    /// Binds the bus port and starts the 100 ms cron (off the loop: it waits for the bind).
    func start(port: Int, addresses: [String]) throws {
        try loop.submit { [engine] in
            engine.busOutput = { [unowned self] action in self.perform(action) }
            engine.busLinkPendingBytes = { [unowned self] link in self.pendingBytes(link) }
        }.wait()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [unowned self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(BusLinkHandler(server: self, linkID: nil))
                }
            }
        listeners = try NodeServer.bind(bootstrap, port: port, addresses: addresses)
        loop.execute { [engine, loop] in
            let bound = NIOLoopBound(engine, eventLoop: loop)
            loop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(NodeEngine.clusterCronMilliseconds)) { _ in
                bound.value.clusterCron()
            }
        }
    }

    func close() -> EventLoopFuture<Void> {
        let all = listeners.map { $0.close() } + channels.values.map { $0.close() }
        return EventLoopFuture.andAllComplete(all, on: loop)
    }

    private func perform(_ action: BusAction) {
        switch action {
        case .connect(let link, let ip, let port):
            pending[link] = []
            let timeout = TimeAmount.milliseconds(max(1000, engine.config.integer("cluster-node-timeout")))
            var bootstrap = ClientBootstrap(group: loop)
            // bind-source-addr: peers see the bus traffic come from the node's own address.
            let source = engine.config["bind-source-addr"]
            if !source.isEmpty, let address = try? SocketAddress(ipAddress: source, port: 0) { bootstrap = bootstrap.bind(to: address) }
            bootstrap
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { [unowned self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(BusLinkHandler(server: self, linkID: link))
                    }
                }
                .connect(host: ip, port: port)
                .whenComplete { [self] result in
                    switch result {
                    case .success(let channel):
                        guard pending[link] != nil else {
                            channel.close(promise: nil)  // the engine dropped it meanwhile
                            return
                        }
                        channels[link] = channel
                        engine.busLinkConnected(link, localIP: channel.localAddress?.ipAddress ?? "")
                        for bytes in pending.removeValue(forKey: link) ?? [] { write(bytes, to: channel) }
                        channel.flush()
                    case .failure:
                        pending[link] = nil
                        engine.busLinkClosed(link)
                    }
                }
        case .send(let link, let bytes):
            if let channel = channels[link] {
                write(bytes, to: channel)
                channel.flush()
            } else {
                pending[link]?.append(bytes)
            }
        case .close(let link):
            pending[link] = nil
            channels.removeValue(forKey: link)?.close(promise: nil)
        }
    }

    /// What link `link` has queued: still connecting, or not yet taken by its socket.
    private func pendingBytes(_ link: Int) -> Int {
        if let queued = pending[link] { return queued.reduce(0) { $0 + $1.count } }
        guard let channel = channels[link] else { return 0 }
        return (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
    }

    private func write(_ bytes: [UInt8], to channel: any Channel) {
        channel.write(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    // MARK: From the links

    func accepted(_ channel: any Channel) -> Int {
        let link = engine.busLinkAccepted(localIP: channel.localAddress?.ipAddress ?? "",
                                          peerIP: channel.remoteAddress?.ipAddress ?? "")
        channels[link] = channel
        return link
    }

    func received(_ link: Int, _ buffer: ByteBuffer) {
        engine.busReceived(link, buffer.readableBytesView)
    }

    func closed(_ link: Int) {
        channels[link] = nil
        pending[link] = nil
        engine.busLinkClosed(link)
    }
}

/// One bus connection's pipeline handler: bytes in go to the engine.
private final class BusLinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private unowned let server: ClusterBusServer
    private var linkID: Int?

    init(server: ClusterBusServer, linkID: Int?) {
        self.server = server
        self.linkID = linkID
    }

    func channelActive(context: ChannelHandlerContext) {
        if linkID == nil { linkID = server.accepted(context.channel) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let linkID else { return }
        server.received(linkID, unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let linkID { server.closed(linkID) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
