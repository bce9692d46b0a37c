import NIOCore

/// One client connection as the engine sees it: its protocol, database,
/// authentication, transaction and the replies waiting to be written.
public final class ClientSession {
    public let id: Int64
    public var reply: ReplyBuffer
    public internal(set) var closeAfterReply = false
    /// Set by the server: called when another client's command wrote to this
    /// one (pub/sub, a woken blocking pop), so its replies get flushed.
    public var wake: (() -> Void)?
    /// Set by the server: the bytes it holds for this client, for CLIENT LIST
    /// (qbuf: received, not yet a whole command; omem: replies the socket
    /// has not taken yet).
    public var bufferedInput: () -> Int = { 0 }
    public var bufferedOutput: () -> Int = { 0 }

    public let address: String
    public let localAddress: String
    public let isLoopback: Bool
    let createdAt: Int64
    var lastInteraction: Int64
    var lastCommand = "NULL"
    var replyBufferSizing: ReplyBufferSizing

    var db = 0
    var authenticated: Bool
    var name: [UInt8]?
    var libraryName = ""
    var libraryVersion = ""
    var parser: RequestParser

    /// MULTI: the queued commands, and whether one was refused while queueing.
    var transaction: [Arguments]?
    var transactionFailed = false
    var watched: [WatchedKey] = []
    var watchDirty = false
    /// CLIENT REPLY: whether this client's replies are sent.
    enum ReplyMode { case on, off, skipNext, skipping }
    var replyMode = ReplyMode.on
    /// Inside EXEC: blocking commands answer as a timeout instead of waiting.
    var inExec = false
    /// BLPOP & co waiting for a push.
    var blocked: BlockedCommand?
    /// A command held while clients are paused (CLIENT PAUSE).
    var postponed: Arguments?
    /// Channels, patterns and shard channels subscribed to.
    var subscriptions: [Set<[UInt8]>] = [[], [], []]
    /// Cluster mode: ASKING was sent (good for one command or one MULTI),
    /// READONLY was sent (a replica serves its master's slots for reads).
    var asking = false
    /// REPLCONF rdb-only 1: SYNC sends the RDB alone.
    var rdbOnly = false
    /// Its MIGRATE is in flight: nothing more of it runs until that ends.
    var awaitingMigration = false
    /// Its script is parked (busy): nothing more of it runs until that ends.
    var awaitingScript = false
    var readOnly = false
    /// REPLCONF's announcements, and once SYNC / PSYNC came, the master's view of this replica.
    var replicaCapabilities = ReplicaCapabilities()
    var replicaLink: ReplicaLink?
    /// The second (Unix) its output first stayed past the soft limit of client-output-buffer-limit.
    var softOutputLimitReachedAt: Int64?
    /// This node's master, applying its stream (CLIENT_MASTER).
    var isMaster = false
    /// master_repl_offset after this client's last write that went out (WAIT).
    var writeOffset: Int64 = 0
    /// getClientType: the class CLIENT LIST/KILL TYPE and the output limits go by.
    var typeName: String {
        isMaster ? "master" : replicaLink != nil ? "replica" : isSubscriber ? "pubsub" : "normal"
    }
    var isSubscriber: Bool { !subscriptions[0].isEmpty || !subscriptions[1].isEmpty || !subscriptions[2].isEmpty }

    init(id: Int64, address: String, localAddress: String, isLoopback: Bool, authenticated: Bool, now: Int64,
         maxBulkLength: Int) {
        self.id = id
        self.address = address
        self.localAddress = localAddress
        self.isLoopback = isLoopback
        self.authenticated = authenticated
        createdAt = now
        lastInteraction = now
        replyBufferSizing = ReplyBufferSizing(now: now)
        reply = ReplyBuffer()
        parser = RequestParser(maxBulkLength: maxBulkLength)
    }

    /// Takes the replies written so far, for the server to send.
    public func takeReplies() -> ByteBuffer? {
        guard reply.bytes.readableBytes > 0 else { return nil }
        let bytes = reply.bytes
        reply.bytes = ByteBufferAllocator().buffer(capacity: 1024)
        return bytes
    }
}

struct WatchedKey {
    let db: Int
    let key: [UInt8]
    /// The key was logically expired when watched: its deletion is no change.
    var expired: Bool
}
