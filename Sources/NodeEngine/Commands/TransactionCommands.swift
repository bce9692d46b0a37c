/// MULTI, EXEC, DISCARD, WATCH, UNWATCH.
enum TransactionCommands {
    static let all: [(String, CommandHandler)] = [
        ("multi", multi), ("exec", exec), ("discard", discard), ("watch", watch), ("unwatch", unwatch),
    ]

    static func multi(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard c.transaction == nil else {
            e.fail(c, "ERR MULTI calls can not be nested")
            return
        }
        c.transaction = []
        c.transactionFailed = false
        c.reply.ok()
    }

    static func exec(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let queued = c.transaction else {
            e.fail(c, "ERR EXEC without MULTI")
            return
        }
        c.transaction = nil
        defer { e.unwatchAll(c) }
        if c.transactionFailed {
            c.transactionFailed = false
            e.fail(c, "EXECABORT Transaction discarded because of previous errors.")
            return
        }
        if c.watchDirty || e.isWatchedKeyExpired(c) {
            c.reply.nullArray()
            return
        }
        c.reply.array(queued.count)
        c.inExec = true
        defer { c.inExec = false }
        for arguments in queued {
            guard let entry = e.commands.lookup(arguments) else { continue }
            e.call(entry, c, arguments)
        }
    }

    static func discard(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard c.transaction != nil else {
            e.fail(c, "ERR DISCARD without MULTI")
            return
        }
        e.discardTransaction(c)
        c.reply.ok()
    }

    static func watch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard c.transaction == nil else {
            e.fail(c, "ERR WATCH inside MULTI is not allowed")
            return
        }
        for index in 1..<a.count {
            let key = a[index]
            guard !c.watched.contains(where: { $0.db == c.db && $0.key == key }) else { continue }
            c.watched.append(WatchedKey(db: c.db, key: key, expired: e.isLogicallyExpired(c.db, key)))
            e.watchers[WatchedKeyName(db: c.db, key: key), default: []].append(c)
        }
        c.reply.ok()
    }

    static func unwatch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.unwatchAll(c)
        c.reply.ok()
    }
}

extension NodeEngine {
    /// discardTransaction: the queue and the watched keys go.
    func discardTransaction(_ client: ClientSession) {
        client.transaction = nil
        client.transactionFailed = false
        unwatchAll(client)
    }
}
