import NIOCore

/// call()/propagate() of redis-server: what a command changed reaches the
/// replicas and the AOF through one path. A command that wrote (dirty
/// grew) goes out as it came, unless its handler rewrote it (relative times
/// made absolute, a random pick made explicit) or asked for nothing at all;
/// changes made outside a command (expiry, eviction) go out as DEL. The
/// effects of one command (EXEC's queue, a DEL of an expired key and the
/// write after it) go out as one MULTI/EXEC.
struct PropagationState {
    /// call() depth: EXEC runs its queue through call() again.
    var depth = 0
    /// The running command asked to go out as these commands instead of
    /// itself ([] : not at all). nil: as it came.
    var rewrite: [[[UInt8]]]?
    /// The effects collected for the command underway, RESP-encoded at
    /// once (arguments borrow the inbound buffer).
    var pending: [(db: Int, bytes: ByteBuffer)] = []
    /// Active expiry and eviction: each DEL goes out alone, as 7.0 sends them.
    var noMulti = false
}

extension NodeEngine {
    /// Someone takes the effects: replicas may attach (a backlog exists) or the AOF is on.
    @inline(__always)
    var propagates: Bool { replication.backlog != nil || aof.isOn }

    /// A handler's rewrite: this command goes out as `commands` (none: not at all).
    func propagate(as commands: [[[UInt8]]]) {
        guard propagates else { return }
        propagation.rewrite = commands
    }

    func propagate(as command: [[UInt8]]) { propagate(as: [command]) }

    /// alsoPropagate: an effect beside (before) the command's own.
    func alsoPropagate(_ db: Int, _ command: [[UInt8]]) {
        guard propagates else { return }
        var bytes = ByteBuffer()
        Self.encodeCommand(command, into: &bytes)
        propagation.pending.append((db, bytes))
    }

    /// propagateDeletion: a key removed outside a command's own effects
    /// (expired, evicted, migrated away, its slot lost).
    func propagateDeletion(_ db: Int, _ key: [UInt8], lazy: Bool = false) {
        alsoPropagate(db, [Array((lazy ? "UNLINK" : "DEL").utf8), key])
    }

    /// The end of call(): the command's own effect is recorded when it wrote.
    func recordEffect(_ entry: CommandEntry, _ client: ClientSession, _ arguments: Arguments, wrote: Bool) {
        let rewrite = propagation.rewrite
        propagation.rewrite = nil
        guard entry.name != "exec" else { return }
        if let rewrite {
            for command in rewrite {
                var bytes = ByteBuffer()
                Self.encodeCommand(command, into: &bytes)
                propagation.pending.append((client.db, bytes))
            }
        } else if wrote {
            var bytes = ByteBuffer()
            Self.encodeCommand(arguments, into: &bytes)
            propagation.pending.append((client.db, bytes))
        }
    }

    /// propagatePendingCommands: the collected effects go to the replication
    /// stream and the AOF, wrapped in MULTI/EXEC when there are several.
    func propagatePending(touchesArbitraryKeys: Bool = false) {
        let pending = propagation.pending
        guard !pending.isEmpty else { return }
        propagation.pending = []
        let transaction = pending.count > 1 && !propagation.noMulti && !touchesArbitraryKeys
        if transaction { emit(db: pending[0].db, Self.multi) }
        for operation in pending { emit(db: operation.db, operation.bytes) }
        if transaction { emit(db: pending[pending.count - 1].db, Self.exec) }
    }

    /// propagateNow: one command to the AOF and to the replication stream.
    /// A replica's stream is its master's, passed on as it came, so only its AOF takes these.
    private func emit(db: Int, _ command: ByteBuffer) {
        if aof.isOn { aofFeed(db: db, command) }
        if replication.master == nil && replication.backlog != nil {
            if replication.streamDB != db {
                var select = ByteBuffer()
                Self.encodeCommand([Array("SELECT".utf8), Array(String(db).utf8)], into: &select)
                feedReplicationStream(select)
                replication.streamDB = db
            }
            feedReplicationStream(command)
        }
    }

    static let multi: ByteBuffer = { var b = ByteBuffer(); encodeCommand([Array("MULTI".utf8)], into: &b); return b }()
    static let exec: ByteBuffer = { var b = ByteBuffer(); encodeCommand([Array("EXEC".utf8)], into: &b); return b }()

    static func encodeCommand(_ words: [[UInt8]], into bytes: inout ByteBuffer) {
        bytes.writeString("*\(words.count)\r\n")
        for word in words {
            bytes.writeString("$\(word.count)\r\n")
            bytes.writeBytes(word)
            bytes.writeStaticString("\r\n")
        }
    }

    static func encodeCommand(_ arguments: Arguments, into bytes: inout ByteBuffer) {
        bytes.writeString("*\(arguments.count)\r\n")
        for index in 0..<arguments.count {
            bytes.writeString("$\(arguments.length(index))\r\n")
            arguments.withBytes(index) { _ = bytes.writeBytes($0) }
            bytes.writeStaticString("\r\n")
        }
    }
}
