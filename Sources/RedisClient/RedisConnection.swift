import ClusterModel
import NIOCore
import NIOPosix
import RESP

/// One connection to one Redis node. Safe to share between tasks: requests are
/// pipelined in the order they are sent and each gets its own replies back.
public final class RedisConnection: Sendable {
    public let address: NodeAddress
    public let options: RedisConnectionOptions
    private let channel: any Channel

    private init(address: NodeAddress, options: RedisConnectionOptions, channel: any Channel) {
        self.address = address
        self.options = options
        self.channel = channel
    }

    /// Connects, then authenticates (AUTH, or HELLO 3 with AUTH for RESP3).
    public static func connect(to address: NodeAddress, options: RedisConnectionOptions = .init(),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
    async throws(RedisClientError) -> RedisConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(options.connectTimeoutMilliseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPFrameDecoder(parser: RESPParser())))
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch {
            throw ConnectFailure.classify(error, address: address, options: options)
        }
        let connection = RedisConnection(address: address, options: options, channel: channel)
        do {
            try await connection.handshake()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private func handshake() async throws(RedisClientError) {
        do {
            switch (options.protocolVersion, options.auth) {
            case (.resp3, let auth):
                _ = try await send(["HELLO", "3"] + (auth?.helloArguments ?? []))
            case (.resp2, let auth?):
                _ = try await send(["AUTH"] + auth.authArguments)
            case (.resp2, nil):
                break
            }
        } catch .server(let address, let error) where options.auth != nil {
            throw .authFailed(address, error)
        }
    }

    /// Sends one command; an error reply is thrown as `.server`.
    @discardableResult
    public func send(_ arguments: [String]) async throws(RedisClientError) -> RESPValue {
        try await send(arguments.map { ByteBuffer(string: $0) })
    }

    @discardableResult
    public func send(_ arguments: [ByteBuffer]) async throws(RedisClientError) -> RESPValue {
        let replies = try await pipeline([arguments])
        return try replies[0].get(address: address)
    }

    /// Writes every command in one go and reads the replies in order. Error
    /// replies come back as failures in their place; transport failures throw.
    public func pipeline(_ commands: [[ByteBuffer]]) async throws(RedisClientError) -> [Result<RESPValue, RedisServerError>] {
        guard !commands.isEmpty else { return [] }
        var encoded = channel.allocator.buffer(capacity: 64 * commands.count)
        for command in commands { RESPEncoder.encodeCommand(command, into: &encoded) }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(encoded: encoded, replyCount: commands.count, promise: promise)
        let timeout = options.commandTimeoutMilliseconds
        // Completing a promise twice is a no-op in NIO, so the handler, the
        // timer and a failed write may all race to settle it; the first wins.
        // The timer and the write failure matter once the channel has closed
        // and its handlers are gone: nothing else would ever settle it.
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(timeout)) { [channel] in
            promise.fail(RedisHandlerError.timedOut)
            channel.pipeline.fireErrorCaught(RedisHandlerError.timedOut)
        }
        // Cancelled on the event loop the moment the reply settles the
        // promise, not when the awaiting task next runs: on a starved
        // cooperative pool that can be seconds later, and a timer firing then
        // would close a connection whose reply had arrived in time.
        promise.futureResult.whenComplete { _ in timer.cancel() }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { promise.fail($0) }
        channel.writeAndFlush(request, promise: written)
        do {
            return try await promise.futureResult.get().map { reply in
                if let message = reply.errorMessage { return .failure(RedisServerError(message: message)) }
                return .success(reply)
            }
        } catch {
            throw classify(error, commands: commands, timeout: timeout)
        }
    }

    /// The IP actually connected to: a hostname resolved, as CLUSTER MEET needs.
    public var remoteIP: String? { channel.remoteAddress?.ipAddress }

    public func close() async {
        try? await channel.close()
    }

    private func classify(_ error: any Error, commands: [[ByteBuffer]], timeout: Int64) -> RedisClientError {
        switch error {
        case RedisHandlerError.timedOut:
            let name = Self.commandName(commands[0])
            let label = commands.count > 1 ? "\(name) (and \(commands.count - 1) more pipelined)" : name
            return .commandTimedOut(address, command: label, milliseconds: timeout)
        case let error as RESPProtocolError:
            return .protocolError(address, error)
        case RedisHandlerError.closed, ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed:
            return .connectionClosed(address)
        case RedisHandlerError.unsolicitedReply:
            return .connectionBroken(address, reason: "a reply came that no command asked for")
        default:
            return .connectionBroken(address, reason: "\(error)")
        }
    }
}

extension RedisConnection {
    private static let containerCommands: Set<String> = [
        "ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY", "MEMORY", "MODULE",
        "OBJECT", "SCRIPT", "SLOWLOG", "XINFO",
    ]

    /// A command's name for messages (`GET`, `CLUSTER NODES`); never its
    /// arguments, which may hold a password (AUTH, HELLO, MIGRATE ... AUTH).
    static func commandName(_ arguments: [ByteBuffer]) -> String {
        guard let first = arguments.first.map({ String(buffer: $0).uppercased() }) else { return "?" }
        guard containerCommands.contains(first), arguments.count > 1 else { return first }
        return "\(first) \(String(buffer: arguments[1]).uppercased())"
    }
}

extension Result where Success == RESPValue, Failure == RedisServerError {
    public func get(address: NodeAddress) throws(RedisClientError) -> RESPValue {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw .server(address, error)
        }
    }
}

extension RedisConnection {
    /// `pipeline` for commands written as text.
    public func pipeline(_ commands: [[String]]) async throws(RedisClientError) -> [Result<RESPValue, RedisServerError>] {
        try await pipeline(commands.map { $0.map { ByteBuffer(string: $0) } })
    }
}
