import NIOCore
import NIOPosix
import NodeEngine

/// MIGRATE's side of the network: one cached connection per target
/// (host:port), closed after 10 s unused as redis-server closes them, and
/// the exchange the engine asks for on it: write the commands, read back
/// as many reply lines, within the timeout.
final class MigrateConnections {
    private let engine: NodeEngine
    private let loop: any EventLoop
    private var connections: [String: (channel: any Channel, reader: LineReader, lastUse: NIODeadline)] = [:]
    static let idleLimit = TimeAmount.seconds(10)

    init(engine: NodeEngine, loop: any EventLoop) {
        self.engine = engine
        self.loop = loop
    }

    /// Installs the engine's callbacks and the idle sweep. Runs on the loop.
    func start() {
        engine.migrateOutput = { [unowned self] exchange in self.perform(exchange) }
        engine.migrateOutputClose = { [unowned self] target in self.close(target) }
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [unowned self] _ in
            let now = NIODeadline.now()
            for (target, connection) in connections where now - connection.lastUse > Self.idleLimit {
                close(target)
                engine.migrateConnectionClosed(target)
            }
        }
    }

    private func close(_ target: String) {
        connections.removeValue(forKey: target)?.channel.close(promise: nil)
    }

    private func perform(_ exchange: MigrateExchange) {
        let target = "\(exchange.host):\(exchange.port)"
        let timeout = TimeAmount.milliseconds(exchange.timeoutMilliseconds)
        if exchange.reuse, let connection = connections[target], connection.channel.isActive {
            run(exchange, on: connection.channel, reader: connection.reader, target: target, timeout: timeout)
            return
        }
        close(target)
        let reader = LineReader()
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader) }
            }
            .connect(host: exchange.host, port: exchange.port)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    connections[target] = (channel, reader, .now())
                    run(exchange, on: channel, reader: reader, target: target, timeout: timeout)
                case .failure(let error):
                    if let failure = error as? NIOConnectionError, failure.dnsAError != nil, failure.connectionErrors.isEmpty {
                        engine.migrateCompleted(exchange.id, .unresolvable)
                    } else {
                        engine.migrateCompleted(exchange.id, .connectFailed(timedOut: (error as? ChannelError) == .connectTimeout(timeout)))
                    }
                }
            }
    }

    private func run(_ exchange: MigrateExchange, on channel: any Channel, reader: LineReader, target: String, timeout: TimeAmount) {
        connections[target]?.lastUse = .now()
        var finished = false
        let timer = loop.scheduleTask(in: timeout) { [self] in
            guard !finished else { return }
            finished = true
            reader.waiting = nil
            close(target)
            engine.migrateCompleted(exchange.id, .failed(read: reader.takeLines(), timedOut: true, writing: false))
        }
        reader.expect(exchange.replies) { [self] outcome in
            guard !finished else { return }
            finished = true
            timer.cancel()
            connections[target]?.lastUse = .now()
            switch outcome {
            case .lines(let lines): engine.migrateCompleted(exchange.id, .replies(lines))
            case .closed(let lines):
                close(target)
                engine.migrateCompleted(exchange.id, .failed(read: lines, timedOut: false, writing: false))
            }
        }
        channel.writeAndFlush(channel.allocator.buffer(bytes: exchange.bytes)).whenFailure { [self] _ in
            guard !finished else { return }
            finished = true
            timer.cancel()
            reader.waiting = nil
            close(target)
            engine.migrateCompleted(exchange.id, .failed(read: reader.takeLines(), timedOut: false, writing: true))
        }
    }
}

/// Collects reply lines ("+OK", "-ERR ...") from a MIGRATE target.
private final class LineReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    enum Outcome {
        case lines([String])
        case closed([String])
    }

    private var buffer: [UInt8] = []
    private var lines: [String] = []
    private var wanted = 0
    var waiting: ((Outcome) -> Void)?

    func expect(_ count: Int, _ done: @escaping (Outcome) -> Void) {
        wanted = count
        waiting = done
        deliverIfComplete()
    }

    func takeLines() -> [String] {
        defer { lines = [] }
        return lines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        buffer += unwrapInboundIn(data).readableBytesView
        while let end = buffer.firstIndex(of: 10) {
            var line = Array(buffer[..<end])
            if line.last == 13 { line.removeLast() }
            buffer.removeSubrange(...end)
            lines.append(String(decoding: line, as: UTF8.self))
        }
        deliverIfComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let waiting {
            self.waiting = nil
            waiting(.closed(takeLines()))
        }
        context.fireChannelInactive()
    }

    private func deliverIfComplete() {
        guard let waiting, lines.count >= wanted else { return }
        self.waiting = nil
        let all = Array(lines.prefix(wanted))
        lines.removeFirst(wanted)
        waiting(.lines(all))
    }
}
