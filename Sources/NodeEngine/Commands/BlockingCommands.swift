/// BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP (and, in ZSetCommands, BZPOPMIN,
/// BZPOPMAX, BZMPOP): like their non-blocking forms when a key has elements;
/// otherwise the client waits, in arrival order, until a push serves it or
/// its timeout passes.
enum BlockingCommands {
    static let all: [(String, CommandHandler)] = [
        ("blpop", blpop), ("brpop", brpop), ("blmove", blmove), ("brpoplpush", brpoplpush), ("blmpop", blmpop),
    ]

    /// getTimeoutFromObjectOrReply: seconds as a float, to an absolute ms deadline (0: forever).
    static func deadline(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int) -> Int64? {
        guard let seconds = LongDouble.parse(a[index]), seconds.isFinite, (seconds * 1000).magnitude < Float80(Int64.max) else {
            e.fail(c, "ERR timeout is not a float or out of range")
            return nil
        }
        let milliseconds = Int64((seconds * 1000).rounded(.up))
        guard milliseconds >= 0 else {
            e.fail(c, "ERR timeout is negative")
            return nil
        }
        return milliseconds > 0 ? e.deadline(after: milliseconds) : 0
    }

    static func blpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { pop(e, c, a, head: true) }
    static func brpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { pop(e, c, a, head: false) }

    static func pop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, head: Bool) {
        guard let deadline = deadline(e, c, a, a.count - 1) else { return }
        let keys = (1..<(a.count - 1)).map { a[$0] }
        for key in keys {
            guard let found = ListCommands.read(e, c, key, write: true) else { return }
            guard let list = found else { continue }
            let value = head ? list.items.removeFirst() : list.items.removeLast()
            c.reply.array(2)
            c.reply.bulk(key)
            c.reply.bulk(value)
            ListCommands.elementsRemoved(e, c, key, list, head: head, count: 1)
            e.propagate(as: [head ? Words.lpop : Words.rpop, key])
            return
        }
        e.block(c, keys: keys, deadline: deadline, arguments: a)
    }

    static func blmove(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let from = ListCommands.side(a, 3), let to = ListCommands.side(a, 4) else { return e.fail(c, "ERR syntax error") }
        move(e, c, a, fromHead: from, toHead: to, timeoutIndex: 5)
    }

    static func brpoplpush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        move(e, c, a, fromHead: false, toHead: true, timeoutIndex: 3)
    }

    static func move(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, fromHead: Bool, toHead: Bool, timeoutIndex: Int) {
        guard let deadline = deadline(e, c, a, timeoutIndex) else { return }
        let source = a[1]
        guard let found = ListCommands.read(e, c, source, write: true) else { return }
        if found != nil {
            guard ListCommands.move(e, c, source: source, destination: a[2], fromHead: fromHead, toHead: toHead) else { return }
            if a.isWord(0, "brpoplpush") {
                e.propagate(as: [Words.rpoplpush, source, a[2]])
            } else if e.propagation.servesBlockedClient {
                // blocked.c spells the sides with its shared lowercase words.
                e.propagate(as: [Words.lmove, source, a[2], fromHead ? Words.left : Words.right, toHead ? Words.left : Words.right])
            } else {
                e.propagate(as: [Words.lmove, source, a[2], a[3], a[4]])
            }
            return
        }
        e.block(c, keys: [source], deadline: deadline, arguments: a)
    }

    static func blmpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let deadline = deadline(e, c, a, 1) else { return }
        guard let parsed = MultiPop.parse(e, c, a, numkeysIndex: 2, sides: { ListCommands.side(a, $0) }) else { return }
        for key in parsed.keys {
            guard let found = ListCommands.read(e, c, key, write: true) else { return }
            guard let list = found else { continue }
            MultiPop.popList(e, c, key: key, list: list, head: parsed.head, count: parsed.count)
            return
        }
        e.block(c, keys: parsed.keys, deadline: deadline, arguments: a)
    }
}

/// A client waiting in a blocking command.
struct BlockedCommand {
    /// What the command pops: only a key of that type serves it.
    enum Kind { case list, zset, stream(StreamWait), replicas(wanted: Int64, offset: Int64) }

    let kind: Kind
    let keys: [WatchedKeyName]
    /// Unix ms; 0 waits forever.
    let deadline: Int64
    let arguments: Arguments
}

extension NodeEngine {
    /// `milliseconds` from now, or the end of time for a timeout past it (a
    /// client's BLPOP k 9223372036854775 must not overflow the clock).
    func deadline(after milliseconds: Int64) -> Int64 {
        let (sum, overflow) = now.addingReportingOverflow(milliseconds)
        return overflow ? .max : sum
    }

    /// Parks `client` on `keys`, or inside MULTI answers as a timeout at once.
    func block(_ client: ClientSession, keys: [[UInt8]], deadline: Int64, arguments: Arguments, kind given: BlockedCommand.Kind? = nil) {
        if client.inExec {
            client.reply.nullArray()
            return
        }
        let names = keys.map { WatchedKeyName(db: client.db, key: $0) }
        let kind: BlockedCommand.Kind = given ?? (arguments.lowercased(0).hasPrefix("bz") ? .zset : .list)
        client.blocked = BlockedCommand(kind: kind, keys: names, deadline: deadline, arguments: arguments)
        for name in names { blockedByKey[name, default: []].append(client) }
        stats.blockedClients += 1
        if deadline > 0 { onBlock?(deadline) }
    }

    func unblock(_ client: ClientSession) {
        guard let blocked = client.blocked else { return }
        for name in blocked.keys {
            blockedByKey[name]?.removeAll { $0 === client }
            if blockedByKey[name]?.isEmpty == true { blockedByKey[name] = nil }
        }
        client.blocked = nil
        stats.blockedClients -= 1
        if case .replicas = blocked.kind { replication.waitingClients.removeAll { $0 === client } }
    }

    /// After a command: clients waiting on keys that got elements run their
    /// command again, first come first served, while the key has elements.
    /// A client waiting for the other type stays blocked (a BLPOP is not
    /// served by a sorted set), as in serveClientsBlockedOnKey.
    func serveReadyKeys() {
        while !readyKeys.isEmpty {
            let ready = readyKeys
            readyKeys = []
            for name in ready {
                serveStreamClients(name)
                serving: for client in blockedByKey[name] ?? [] {
                    guard let blocked = client.blocked, let index = databases[name.db].table.find(name.key) else { break }
                    switch (databases[name.db].table[value: index], blocked.kind) {
                    case (.list(let list), .list) where list.count > 0: break
                    case (.zset(let zset), .zset) where zset.count > 0: break
                    case (.list, .zset), (.zset, .list), (_, .stream), (.stream, _): continue
                    default: break serving
                    }
                    let arguments = blocked.arguments
                    unblock(client)
                    guard let entry = commands.lookup(arguments) else { continue }
                    propagation.servesBlockedClient = true
                    call(entry, client, arguments)
                    propagation.servesBlockedClient = false
                    client.wake?()
                }
            }
        }
    }

    /// SWAPDB's scanDatabaseForReadyKeys: keys that clients wait on and that
    /// exist in the database now swapped in.
    func signalReadyKeys(inDatabase db: Int) {
        for name in blockedByKey.keys where name.db == db {
            if let index = databases[db].table.find(name.key) { keyNowHolds(db, name.key, databases[db].table[value: index]) }
        }
    }

    /// Answers blocked clients whose timeout has passed with a null array.
    public func expireBlockedClients() {
        now = clock.milliseconds()
        if pauseUntil > 0 && now >= pauseUntil { unpause() }
        for client in clients.values {
            guard let blocked = client.blocked, blocked.deadline > 0, blocked.deadline <= now else { continue }
            unblock(client)
            if case .replicas(_, let offset) = blocked.kind {
                client.reply.integer(replicasAcknowledging(offset))
            } else {
                client.reply.nullArray()
            }
            client.wake?()
        }
    }

    public func isBlocked(_ client: ClientSession) -> Bool {
        client.blocked != nil || client.postponed != nil || client.awaitingMigration || client.awaitingScript
    }

    /// CLIENT PAUSE's end: held commands run, in the order they came.
    func unpause() {
        pauseUntil = 0
        let held = postponedClients
        postponedClients = []
        for client in held {
            guard let arguments = client.postponed else { continue }
            client.postponed = nil
            execute(client, arguments)
            client.wake?()
        }
    }
}
