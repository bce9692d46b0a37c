import NIOCore

/// call()/propagate() of redis-server: what a command changed reaches the
/// replicas and the AOF through one path. A command that wrote (dirty
/// grew) goes out as it came, unless its handler rewrote it (relative times
/// made absolute, a random pick made explicit) or asked for nothing at all;
/// changes made outside a command (expiry, eviction) go out as DEL. The
/// effects of one command (EXEC's queue, a DEL of an expired key and the
/// write after it) go out as one MULTI/EXEC.
/// Where an effect goes: PUBLISH reaches replicas but not the AOF; a
/// script's redis.set_repl may send its effects to one side only.
enum PropagationTarget {
    case everywhere, replicasOnly, aofOnly
}

struct PropagationState {
    /// call() depth: EXEC runs its queue through call() again.
    var depth = 0
    /// The running command asked to go out as these commands instead of
    /// itself ([] : not at all). nil: as it came.
    var rewrite: [[[UInt8]]]?
    /// The effects collected for the command underway, RESP-encoded at
    /// once (arguments borrow the inbound buffer) into one buffer kept
    /// between commands: `pending` names each one's DB and bytes in it.
    var pending: [(db: Int, range: Range<Int>, target: PropagationTarget)] = []
    var pendingBytes = ByteBuffer()
    /// forceCommandPropagation: the running command goes out even if it
    /// changed nothing (FLUSHALL of an empty dataset, PUBLISH).
    var forced: PropagationTarget?
    /// Active expiry and eviction: each DEL goes out alone, as 7.0 sends them.
    var noMulti = false
    /// A blocked client's command runs again (blocked.c), where BLMOVE's
    /// sides go out in other words than when it is served at once.
    var servesBlockedClient = false
}

/// The words of 7.0's shared objects that rewritten commands use, spelled as they are there.
enum Words {
    static let set = Array("SET".utf8), pxat = Array("PXAT".utf8), keepttl = Array("KEEPTTL".utf8)
    static let del = Array("DEL".utf8), unlink = Array("UNLINK".utf8)
    static let pexpireat = Array("PEXPIREAT".utf8), persist = Array("PERSIST".utf8), absttl = Array("ABSTTL".utf8)
    static let hset = Array("HSET".utf8), srem = Array("SREM".utf8)
    static let lpop = Array("LPOP".utf8), rpop = Array("RPOP".utf8), lmove = Array("LMOVE".utf8), rpoplpush = Array("RPOPLPUSH".utf8)
    static let left = Array("left".utf8), right = Array("right".utf8)
    static let zpopmin = Array("ZPOPMIN".utf8), zpopmax = Array("ZPOPMAX".utf8)

    static func number<T: BinaryInteger>(_ value: T) -> [UInt8] { Array(String(value).utf8) }

    /// A deletion as 7.0 spells it: UNLINK where the lazyfree option in force says so.
    static func deletion(lazy: Bool) -> [UInt8] { lazy ? unlink : del }
}

extension NodeEngine {
    /// Someone takes the effects: replicas may attach (a master with a backlog)
    /// or the AOF is on. A replica passes its master's stream on as it came.
    @inline(__always)
    /// Nothing goes out while the AOF loads (DEBUG LOADAOF), as shouldPropagate decides.
    var propagates: Bool { (aof.isOn || (replication.backlog != nil && replication.master == nil)) && !aof.loading }

    /// A handler's rewrite: this command goes out as `commands` (none: not at all).
    /// checkAlreadyExpired: a time in the past deletes at once, except while
    /// the AOF loads and on a replica, which wait for the master's DEL.
    func alreadyExpired(_ when: Int64) -> Bool { when <= now && !aof.loading && replication.master == nil }

    /// Built only when someone takes the effects.
    func propagate(as commands: @autoclosure () -> [[[UInt8]]]) {
        guard propagates else { return }
        propagation.rewrite = commands()
    }

    func propagate(as command: @autoclosure () -> [[UInt8]]) {
        guard propagates else { return }
        propagation.rewrite = [command()]
    }

    /// preventCommandPropagation: the effects went out through alsoPropagate.
    func preventPropagation() {
        guard propagates else { return }
        propagation.rewrite = []
    }

    /// The running command goes out whether or not it changed anything.
    func forcePropagation(_ target: PropagationTarget = .everywhere) {
        guard propagates else { return }
        propagation.forced = target
    }

    /// alsoPropagate: an effect beside (before) the command's own.
    func alsoPropagate(_ db: Int, _ command: [[UInt8]], target: PropagationTarget = .everywhere) {
        guard propagates else { return }
        let start = propagation.pendingBytes.writerIndex
        Self.encodeCommand(command, into: &propagation.pendingBytes)
        propagation.pending.append((db, start..<propagation.pendingBytes.writerIndex, target))
    }

    /// propagateDeletion: a key removed outside a command's own effects
    /// (expired, evicted, migrated away, its slot lost).
    func propagateDeletion(_ db: Int, _ key: [UInt8], lazy: Bool = false) {
        alsoPropagate(db, [Words.deletion(lazy: lazy), key])
    }

    /// The end of call(): the command's own effect is recorded when it wrote.
    func recordEffect(_ entry: CommandEntry, _ client: ClientSession, _ arguments: Arguments, wrote: Bool) {
        let rewrite = propagation.rewrite
        let forced = propagation.forced
        propagation.rewrite = nil
        propagation.forced = nil
        guard entry.name != "exec" else { return }
        let target = forced ?? .everywhere
        if let rewrite {
            for command in rewrite { alsoPropagate(client.db, command, target: target) }
        } else if wrote || forced != nil {
            let start = propagation.pendingBytes.writerIndex
            Self.encodeCommand(arguments, into: &propagation.pendingBytes)
            propagation.pending.append((client.db, start..<propagation.pendingBytes.writerIndex, target))
        }
    }

    /// propagatePendingCommands: the collected effects go to the replication
    /// stream and the AOF, wrapped in MULTI/EXEC when there are several.
    func propagatePending(touchesArbitraryKeys: Bool = false) {
        let pending = propagation.pending
        guard !pending.isEmpty else { return }
        let bytes = propagation.pendingBytes
        propagation.pending.removeAll(keepingCapacity: true)
        propagation.pendingBytes.clear()
        let transaction = pending.count > 1 && !propagation.noMulti && !touchesArbitraryKeys
        if transaction { emit(db: pending[0].db, Self.multi, .everywhere) }
        for operation in pending {
            emit(db: operation.db, bytes.getSlice(at: operation.range.lowerBound, length: operation.range.count)!, operation.target)
        }
        if transaction { emit(db: pending[pending.count - 1].db, Self.exec, .everywhere) }
    }

    /// propagateNow: one command to the AOF and to the replication stream.
    /// A replica's stream is its master's, passed on as it came, so only its AOF takes these.
    private func emit(db: Int, _ command: ByteBuffer, _ target: PropagationTarget) {
        if aof.isOn && target != .replicasOnly { aofFeed(db: db, command) }
        if replication.master == nil && replication.backlog != nil && target != .aofOnly {
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
        writeHeader(UInt8(ascii: "*"), words.count, into: &bytes)
        for word in words {
            writeHeader(UInt8(ascii: "$"), word.count, into: &bytes)
            bytes.writeBytes(word)
            bytes.writeStaticString("\r\n")
        }
    }

    /// A request's arguments straight from the buffer they borrow: one pass, no copies.
    static func encodeCommand(_ arguments: Arguments, into bytes: inout ByteBuffer) {
        writeHeader(UInt8(ascii: "*"), arguments.count, into: &bytes)
        let source = arguments.buffer
        source.withUnsafeReadableBytes { all in
            let base = source.readerIndex
            for range in arguments.ranges {
                writeHeader(UInt8(ascii: "$"), range.count, into: &bytes)
                bytes.writeBytes(UnsafeRawBufferPointer(rebasing: all[(range.lowerBound - base)..<(range.upperBound - base)]))
                bytes.writeStaticString("\r\n")
            }
        }
    }

    /// `*<n>\r\n` or `$<n>\r\n` without a String.
    @inline(__always)
    static func writeHeader(_ marker: UInt8, _ value: Int, into bytes: inout ByteBuffer) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { out in
            var position = out.count
            var rest = value
            out[position - 1] = 10
            out[position - 2] = 13
            position -= 2
            repeat {
                position -= 1
                out[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            position -= 1
            out[position] = marker
            bytes.writeBytes(UnsafeRawBufferPointer(rebasing: out[position...]))
        }
    }
}
