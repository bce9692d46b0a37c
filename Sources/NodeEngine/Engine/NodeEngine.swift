import ClusterModel
import NIOCore

/// A Redis 7.0.15-compatible node without sockets or files: the keyspace,
/// the command table and every command's logic. One thread owns it (the
/// server's event loop), as one thread owns redis-server's data: no locks,
/// and commands run one at a time in arrival order. Time comes from an
/// injected clock, randomness from a seeded generator.
public final class NodeEngine {
    public internal(set) var config: ServerConfig
    let clock: any EngineClock
    var random: SplitMix64Generator
    var databases: [Database]
    var encodingLimits = EncodingLimits()
    /// maxmemory, read on every write command: kept out of the config table.
    var maxmemory: Int64 = 0
    /// min-replicas-to-write, read on every write on a master.
    var minReplicasToWrite: Int64 = 0
    /// stream-node-max-bytes and -entries, read on every XADD.
    var streamNodeLimits = StreamValue.NodeLimits(maxBytes: 4096, maxEntries: 100)
    /// maxmemory-policy is one of the LFU ones: access stamps count accesses (NodeEngine+AccessStamps).
    var usesLFU = false
    let hashSeed: UInt64

    var clients: [Int64: ClientSession] = [:]
    private var nextClientID: Int64 = 1
    var watchers: [WatchedKeyName: [ClientSession]] = [:]
    /// Clients blocked in BLPOP & co, by the keys they wait on, in arrival order.
    var blockedByKey: [WatchedKeyName: [ClientSession]] = [:]
    /// Keys that got elements while clients wait on them, served after the command.
    var readyKeys: [WatchedKeyName] = []
    var pubsub = PubSub()
    var latency = LatencyMonitor()
    /// notify-keyspace-events, read on every change of a key: kept out of the config table.
    var keyspaceEvents: KeyspaceEvents = []
    /// CLIENT PAUSE: until when (Unix ms, 0 when not paused), and whether
    /// every command waits or only writes.
    var pauseUntil: Int64 = 0
    /// The command running is a write (one that may replace a key kept expired during a pause).
    var executingWrite = false
    /// Arguments of the command running that MONITOR and the slow log show as "(redacted)".
    var redactedArguments: Set<Int> = []
    var pauseAll = false
    var postponedClients: [ClientSession] = []
    var monitors: [ClientSession] = []
    var slowlog: [SlowlogEntry] = []
    var nextSlowlogID: Int64 = 0
    /// slowlog-log-slower-than, read after every command: kept out of the config table.
    var slowlogThreshold: Int64 = 10000
    var outputLimits = OutputBufferLimits()
    /// DEBUG FAULT's partition and reply delay; none by default.
    public internal(set) var faults = FaultInjection()

    let commands: CommandTable
    var stats = ServerStats()
    /// Changes since the last save (INFO rdb_changes_since_last_save).
    var dirty: Int64 = 0
    let startedAt: Int64
    /// Unix ms, read once per command (as redis-server caches mstime): every
    /// expiry check of one command sees the same time.
    var now: Int64
    /// Within one read batch, a command starts when the one before it ended:
    /// one clock read per command instead of two.
    var batchClock: Int64?
    let runID: String
    /// Replication, both sides: IDs, offsets, the backlog, replicas, the master link.
    var replication: ReplicationState
    var propagation = PropagationState()
    /// The script cache, the interpreter and the script running.
    var scripting = ScriptingState()
    var aof = AOFState()
    /// What the replica's link to its master must do (connect, send, close).
    public var replicationOutput: ((ReplicationAction) -> Void)?
    /// The command running came from this node's master.
    var servingMaster = false
    /// The node's TCP port and pid, for INFO (the server sets them).
    public var port = 6379
    public var processID: Int32 = 0
    public var configFile = ""
    public var executable = ""
    /// Called when a busy script parks: the server calls resumeParkedScript on its next turn.
    public var onScriptYield: (() -> Void)?
    /// Called with a blocked client's deadline (Unix ms), so the server wakes then.
    public var onBlock: ((Int64) -> Void)?
    /// Set by SHUTDOWN: the server stops once the current replies are written.
    public internal(set) var shutdownRequested = false
    /// DEBUG SET-ACTIVE-EXPIRE.
    var activeExpireEnabled = true
    /// DEBUG REPLYBUFFER PEAK-RESET-TIME (ms, -1 never) and RESIZING.
    var replyBufferPeakResetTime: Int64 = 5000
    var replyBufferResizing = true
    /// DEBUG QUICKLIST-PACKED-THRESHOLD: kept for DEBUG, the engine's lists hold elements whole.
    var quicklistPackedThreshold: Int64 = 1 << 30
    var peakMemory: Int64 = 0
    /// What the process had allocated once the engine was built (MEMORY STATS' startup.allocated).
    var startupMemory: Int64 = 0
    /// Unix ms of the last successful save (LASTSAVE).
    public var lastSave: Int64
    /// Where SAVE and BGSAVE write (the server's dump.rdb); nil: they refuse.
    public var snapshotStore: (any SnapshotStore)?
    /// The AOF's directory and files (the server's); nil: no AOF.
    public var appendOnlyStore: (any AppendOnlyStore)?
    var persistence = PersistenceState()
    /// The directory the node works in (CONFIG GET dir).
    public var workingDirectory = ""
    /// The server's resident set size, for INFO memory.
    public var residentMemory: (() -> Int64)?
    /// Applies directives that need the server (port, ...); returns a refusal.
    public var configApplier: (([(name: String, value: String)]) -> (name: String, reason: String)?)?
    /// Writes the config file for CONFIG REWRITE; returns an error text.
    public var configRewriter: ((ServerConfig) -> String?)?
    /// Cluster mode's state; nil on a standalone node.
    var cluster: ClusterState?
    /// Writes nodes.conf atomically and durably; returns an error text.
    public var clusterConfigWriter: ((String) -> String?)?
    /// Carries out what the bus logic decides (connect, send, close).
    public var busOutput: ((BusAction) -> Void)?
    /// Bytes a bus link's socket has not taken yet.
    public var busLinkPendingBytes: ((Int) -> Int)?
    /// Lines for the log (the server formats them).
    public var logger: ((EngineLogLevel, String) -> Void)?
    /// MIGRATE: what the server sends to a target and reads back, and
    /// closes (a cached connection found broken).
    public var migrateOutput: ((MigrateExchange) -> Void)?
    public var migrateOutputClose: ((String) -> Void)?
    /// host:port -> the DB last selected on the cached connection (-1: unknown).
    var migrateTargets: [String: Int64] = [:]
    var pendingMigrations: [Int: (Migration, Bool)] = [:]
    var nextMigrationID = 1
    /// The client whose MIGRATE is in flight: everyone else's commands wait.
    var migrationHolder: ClientSession?
    /// Called when the node cannot go on (nodes.conf cannot be written).
    public var onFatal: ((String) -> Void)?

    public init(config: ServerConfig, clock: any EngineClock = SystemClock(), seed: UInt64 = UInt64.random(in: 0...UInt64.max)) {
        self.config = config
        self.clock = clock
        random = SplitMix64Generator(seed: seed)
        hashSeed = random.next()
        let count = max(1, Int(config.integer("databases")))
        var databases: [Database] = []
        let clusterMode = config.bool("cluster-enabled")
        for index in 0..<count {
            databases.append(Database(seed: hashSeed &+ UInt64(index) &* 0x9E37_79B9, indexesSlots: clusterMode && index == 0))
        }
        self.databases = databases
        commands = CommandTable.standard()
        stats.commandCalls = Array(repeating: 0, count: commands.entries.count)
        stats.commandMicroseconds = stats.commandCalls
        stats.commandFailures = stats.commandCalls
        stats.commandRejections = stats.commandCalls
        stats.commandHistograms = Array(repeating: 0, count: commands.entries.count * ServerStats.latencyBuckets)
        startedAt = clock.milliseconds()
        now = startedAt
        lastSave = startedAt
        var generator = SplitMix64Generator(seed: seed ^ 0x5DEE_CE66)
        runID = (0..<40).map { _ in String("0123456789abcdef".randomElement(using: &generator)!) }.joined()
        replication = ReplicationState(id: Self.randomID(&generator))
        readCachedConfig()
        startupMemory = usedMemory()
    }

    // MARK: Clients

    func nextClientIdentifier() -> Int64 {
        nextClientID += 1
        return nextClientID - 1
    }

    public func connect(address: String, localAddress: String, isLoopback: Bool) -> ClientSession {
        now = clock.milliseconds()
        let client = ClientSession(id: nextClientIdentifier(), address: address, localAddress: localAddress, isLoopback: isLoopback,
                                   authenticated: !requiresPassword, now: now,
                                   maxBulkLength: Int(config.integer("proto-max-bulk-len")))
        clients[client.id] = client
        stats.connectionsReceived += 1
        return client
    }

    public func disconnect(_ client: ClientSession) {
        replicaDisconnected(client)
        unwatchAll(client)
        unblock(client)
        unsubscribeAll(client)
        monitors.removeAll { $0 === client }
        postponedClients.removeAll { $0 === client }
        clients[client.id] = nil
    }

    var requiresPassword: Bool { !config["requirepass"].isEmpty }

    /// Protected mode refuses clients from outside loopback while no password is set.
    public func refusesInProtectedMode(_ client: ClientSession) -> Bool {
        config.bool("protected-mode") && !requiresPassword && !client.isLoopback
    }

    public static let protectedModeMessage = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

    // MARK: Requests

    /// Runs every complete request in `inbound`; replies go to `client.reply`.
    /// Returns false when the connection must close once they are written.
    public func process(_ client: ClientSession, inbound: inout ByteBuffer) -> Bool {
        batchClock = clock.microseconds()
        defer { batchClock = nil }
        while inbound.readableBytes > 0 && !client.closeAfterReply && client.blocked == nil && client.postponed == nil
                && !client.awaitingMigration && !client.awaitingScript && !(client.isMaster && scriptIsBusy) {
            switch client.parser.next(from: &inbound, authRequired: !client.authenticated) {
            case .incomplete:
                if inbound.readableBytes > Int(config.integer("client-query-buffer-limit")) {
                    client.closeAfterReply = true
                }
                return !client.closeAfterReply
            case .empty:
                continue
            case .protocolError(let message):
                client.reply.error("ERR " + message)
                client.closeAfterReply = true
                stats.protocolErrors += 1
            case .command(let arguments):
                execute(client, arguments)
            }
        }
        if inbound.readableBytes == 0 { inbound.clear() } else { inbound.discardReadBytes() }
        client.replyBufferSizing.wrote(client.reply.bytes.readableBytes)
        if !propagation.pending.isEmpty { propagatePending() }
        replicationBeforeSleep()
        clusterBeforeSleep()
        return !client.closeAfterReply
    }

    /// One request, with CLIENT REPLY's say over whether its replies go out:
    /// OFF silences them until ON (whose own OK goes out), SKIP those of the
    /// command after it.
    func execute(_ client: ClientSession, _ arguments: Arguments) {
        if client.replicaLink != nil { return executeForReplica(client, arguments) }
        guard client.replyMode != .on else { return processCommand(client, arguments) }
        let mark = client.reply.bytes.writerIndex
        if client.replyMode == .skipNext { client.replyMode = .skipping }
        processCommand(client, arguments)
        // The mode as the command left it decides, as redis-server checks its flags when a
        // reply is added: CLIENT REPLY ON clears a SKIP before its own OK.
        let silenced = client.replyMode == .off || client.replyMode == .skipping
        if client.replyMode == .skipping { client.replyMode = .on }
        // Pushes still go out (CLIENT_PUSHING), in RESP2 too: (un)subscribing answers with them alone.
        let pushes = Self.subscriptionCommands.contains(arguments.lowercased(0))
        if silenced && !pushes { client.reply.bytes.moveWriterIndex(to: mark) }
    }

    /// processCommand: lookup, arity, auth, transaction, then the handler.
    func processCommand(_ client: ClientSession, _ arguments: Arguments) {
        client.lastInteraction = now
        var entry = commands.lookup(arguments)
        if let found = entry, let source = found.script {
            entry = scriptEntry(found, source, arguments)
        }
        // ASKING holds for the next command only, or a whole MULTI ... EXEC.
        defer { if client.asking && client.transaction == nil && entry?.name != "asking" { client.asking = false } }
        guard let entry else {
            // An HTTP request sent to the port (a cross-protocol attack): close, as redis-server does.
            let first = arguments.lowercased(0)
            if first == "host:" || first == "post" {
                client.closeAfterReply = true
                return
            }
            reject(client, commands.existenceError(arguments))
            return
        }
        if (entry.arity > 0 && entry.arity != arguments.count) || arguments.count < -entry.arity {
            reject(client, "ERR wrong number of arguments for '\(entry.name)' command", command: entry)
            return
        }
        client.lastCommand = entry.name
        if entry.flags.contains(.protected) && !allowsDebug(client) {
            reject(client, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.", command: entry)
            return
        }
        if client.isMaster { return processFromMaster(entry, client, arguments) }
        if !client.authenticated && !entry.flags.contains(.noAuth) {
            reject(client, "NOAUTH Authentication required.", command: entry)
            return
        }
        if client.isSubscriber && client.reply.protocolVersion == 2 && !Self.subscriberCommands.contains(entry.name) {
            reject(client, "ERR Can't execute '\(entry.name)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", command: entry)
            return
        }
        if client.transaction != nil && entry.flags.contains(.noMulti) {
            reject(client, "ERR Command not allowed inside a transaction", command: entry)
            return
        }
        if cluster != nil, let redirection = clusterRedirection(client, entry, arguments) {
            if entry.name == "exec" { discardTransaction(client) }
            reject(client, redirection, command: entry)
            return
        }
        if let error = memoryRefusal(entry, client) {
            return refuse(entry, client, error)
        }
        if let failure = aof.diskError, !client.isMaster, entry.flags.contains(.write) || entry.name == "ping"
            || (entry.name == "exec" && (client.transaction ?? []).contains { commands.lookup($0)?.flags.contains(.write) ?? false }) {
            return refuse(entry, client, "MISCONF Errors writing to the AOF file: \(failure)")
        }
        if let refusal = replicationRefusal(entry, client) {
            return refuse(entry, client, refusal)
        }
        if scriptIsBusy && !entry.flags.contains(.allowBusy) {
            return refuse(entry, client, scripting.run?.isFunction == true ? Self.busyFunctionError : Self.busyScriptError)
        }
        if pauseUntil > now && (pauseAll || mayReplicate(entry, client)) {
            client.postponed = arguments
            postponedClients.append(client)
            return
        }
        if let holder = migrationHolder, holder !== client {
            client.postponed = arguments
            postponedClients.append(client)
            return
        }
        if client.transaction != nil && !Self.transactionControl.contains(entry.name) {
            client.transaction!.append(arguments)
            client.reply.raw("+QUEUED\r\n")
            return
        }
        call(entry, client, arguments)
        if !readyKeys.isEmpty { serveReadyKeys() }
    }


    static let subscriptionCommands: Set<String> = ["subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe"]
    /// What a RESP2 subscriber may run.
    static let subscriberCommands = subscriptionCommands.union(["ping", "quit", "reset"])
    static let transactionControl: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    /// Runs a handler and accounts for it (INFO commandstats).
    func call(_ entry: CommandEntry, _ client: ClientSession, _ arguments: Arguments) {
        // incrCommandStatsOnError: a command failed when errors were replied since the last accounting,
        // which the commands it ran (a script's) move on: their errors are theirs.
        stats.errorsAccounted = stats.errorReplies
        let start = batchClock ?? clock.microseconds()
        // A script's commands see the time it started at (scriptTimeSnapshot): a key cannot expire halfway.
        if scripting.run == nil { now = start / 1000 }
        let outerWrite = executingWrite
        executingWrite = entry.flags.contains(.write)
        defer { executingWrite = outerWrite }
        if !redactedArguments.isEmpty { redactedArguments = [] }
        if propagates {
            let dirtyBefore = dirty
            let outerRewrite = propagation.rewrite, outerForced = propagation.forced
            propagation.rewrite = nil
            propagation.forced = nil
            propagation.depth += 1
            entry.handler(self, client, arguments)
            propagation.depth -= 1
            recordEffect(entry, client, arguments, wrote: dirty > dirtyBefore)  // SAVE lowers dirty: no write
            propagation.rewrite = outerRewrite
            propagation.forced = outerForced
            if propagation.depth == 0 && !propagation.pending.isEmpty {
                let offset = replication.offset
                propagatePending(touchesArbitraryKeys: entry.name == "randomkey" || entry.name == "scan")
                if replication.offset != offset { client.writeOffset = replication.offset }
            }
        } else {
            entry.handler(self, client, arguments)
        }
        let end = clock.microseconds()
        if batchClock != nil { batchClock = end }
        let elapsed = end - start
        observe(entry, client, arguments, started: start, duration: elapsed)
        if client.blocked == nil {
            latency.addIfNeeded(entry.flags.contains(.fast) ? "fast-command" : "command", microseconds: elapsed, now: end / 1_000_000)
            if latency.tracksCommands { stats.recordLatency(of: entry.statsIndex, microseconds: elapsed) }
        }
        stats.commandCalls[entry.statsIndex] += 1
        stats.commandMicroseconds[entry.statsIndex] += elapsed
        if stats.errorReplies > stats.errorsAccounted || stats.failedUncounted { stats.commandFailures[entry.statsIndex] += 1 }
        stats.failedUncounted = false
        stats.errorsAccounted = stats.errorReplies
        stats.commandsProcessed += 1
    }

    /// rejectCommand: an EXEC refused takes its transaction with it and says
    /// why (execCommandAbort), as "EXECABORT ... because of: NOREPLICAS ...".
    private func refuse(_ entry: CommandEntry, _ client: ClientSession, _ error: String) {
        guard entry.name == "exec" else { return reject(client, error, command: entry) }
        discardTransaction(client)
        reject(client, "EXECABORT Transaction discarded because of: " + error, command: entry)
    }

    /// rejectCommand: `command`'s rejected_calls count it when it was found.
    func reject(_ client: ClientSession, _ message: String, command entry: CommandEntry? = nil) {
        if let entry { stats.commandRejections[entry.statsIndex] += 1 }
        if client.transaction != nil { client.transactionFailed = true }
        client.reply.error(message)
        stats.errorReplies += 1
        stats.countError(message)
    }

    /// An error reply from a command that ran.
    func fail(_ client: ClientSession, _ message: String) {
        client.reply.error(message)
        stats.errorReplies += 1
        stats.countError(message)
    }

    private func allowsDebug(_ client: ClientSession) -> Bool {
        switch config["enable-debug-command"] {
        case "yes": true
        case "local": client.isLoopback
        default: false
        }
    }

}

struct WatchedKeyName: Hashable {
    let db: Int
    let key: [UInt8]
}

/// SplitMix64 as a RandomNumberGenerator: seeded, so a test replays it.
/// The engine's seeded randomness is ClusterModel's generator.
typealias SplitMix64Generator = SplitMix64
