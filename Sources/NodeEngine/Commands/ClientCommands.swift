/// CLIENT and its subcommands.
enum ClientCommands {
    static let all: [(String, CommandHandler)] = [
        ("client|id", clientID), ("client|getname", clientGetName), ("client|setname", clientSetName),
        ("client|list", clientList), ("client|info", clientInfo), ("client|kill", clientKill),
        ("client|no-evict", clientNoEvict), ("client|pause", clientPause), ("client|unpause", clientUnpause),
        ("client|reply", clientReply), ("client|unblock", clientUnblock),
    ]

    static func clientID(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { c.reply.integer(c.id) }

    static func clientGetName(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if let name = c.name { c.reply.bulk(name) } else { c.reply.null() }
    }

    static func clientSetName(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if setName(e, c, a[2]) { c.reply.ok() }
    }

    /// clientSetNameOrReply: no spaces, newlines or special characters.
    static func setName(_ e: NodeEngine, _ c: ClientSession, _ name: [UInt8]) -> Bool {
        guard name.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            e.fail(c, "ERR Client names cannot contain spaces, newlines or special characters.")
            return false
        }
        c.name = name.isEmpty ? nil : name
        return true
    }

    static func clientList(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var clients = e.clients.values.sorted { $0.id < $1.id }
        if a.count == 4 && a.isWord(2, "type") {
            let type = a.lowercased(3)
            guard ["normal", "master", "replica", "slave", "pubsub"].contains(type) else {
                e.fail(c, "ERR Unknown client type '\(a.string(3))'")
                return
            }
            clients = clients.filter { $0.typeName == (type == "slave" ? "replica" : type) }
        } else if a.count > 2 && a.isWord(2, "id") {
            let ids = (3..<a.count).compactMap { a.integer($0) }
            guard ids.count == a.count - 3 else {
                e.fail(c, "ERR Invalid client ID")
                return
            }
            clients = clients.filter { ids.contains($0.id) }
        } else if a.count != 2 {
            e.fail(c, "ERR syntax error")
            return
        }
        c.reply.verbatim(clients.map { e.describe($0) + "\n" }.joined())
    }

    static func clientInfo(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.verbatim(e.describe(c) + "\n")
    }

    static func clientKill(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count == 3 {
            let address = a.string(2)
            guard let victim = e.clients.values.first(where: { $0.address == address }) else {
                e.fail(c, "ERR No such client")
                return
            }
            victim.closeAfterReply = true
            victim.wake?()
            c.reply.ok()
            return
        }
        guard a.count % 2 == 0 else {
            e.fail(c, "ERR syntax error")
            return
        }
        var killed = 0
        var skipMe = true
        var filters: [(ClientSession) -> Bool] = []
        var index = 2
        while index + 1 < a.count {
            let value = a.string(index + 1)
            if a.isWord(index, "id") {
                guard let id = e.integerArgument(c, a, index + 1, in: 1...Int64.max, message: "client-id should be greater than 0") else {
                    return
                }
                filters.append { $0.id == id }
            } else if a.isWord(index, "addr") {
                filters.append { $0.address == value }
            } else if a.isWord(index, "laddr") {
                filters.append { $0.localAddress == value }
            } else if a.isWord(index, "skipme") {
                if a.isWord(index + 1, "yes") { skipMe = true } else if a.isWord(index + 1, "no") { skipMe = false } else {
                    e.fail(c, "ERR syntax error")
                    return
                }
            } else if a.isWord(index, "type") {
                // getClientTypeByName.
                let type = value.lowercased() == "slave" ? "replica" : value.lowercased()
                guard ["normal", "pubsub", "replica", "master"].contains(type) else {
                    return e.fail(c, "ERR Unknown client type '\(value)'")
                }
                filters.append { $0.typeName == type }
            } else if a.isWord(index, "user") {
                // Every client is the default user's (no ACL users yet).
                guard value == "default" else { return e.fail(c, "ERR No such user '\(value)'") }
            } else {
                e.fail(c, "ERR syntax error")
                return
            }
            index += 2
        }
        for victim in e.clients.values where filters.allSatisfy({ $0(victim) }) && !(skipMe && victim === c) {
            killed += 1
            // The master's session has no socket of its own here: the link to the master goes.
            if victim.isMaster {
                e.masterLinkFailed(attempt: e.replication.master?.attempt ?? 0, reason: "killed by CLIENT KILL")
                continue
            }
            victim.closeAfterReply = true
            victim.wake?()
        }
        c.reply.integer(killed)
    }

    static func clientNoEvict(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.isWord(2, "on") || a.isWord(2, "off") else {
            e.fail(c, "ERR syntax error")
            return
        }
        c.reply.ok()
    }

    static func clientPause(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count == 3 || a.count == 4 else { return e.fail(c, "ERR wrong number of arguments for 'client|pause' command") }
        var all = true
        if a.count == 4 {
            if a.isWord(3, "write") { all = false } else if !a.isWord(3, "all") {
                return e.fail(c, "ERR CLIENT PAUSE mode must be WRITE or ALL")
            }
        }
        guard let timeout = a.integer(2) else { return e.fail(c, "ERR timeout is not an integer or out of range") }
        guard timeout >= 0 else { return e.fail(c, "ERR timeout is negative") }
        let end = timeout > 0 ? e.deadline(after: timeout) : 0
        // A later pause extends an earlier one; ALL wins over WRITE while both last.
        if end > e.pauseUntil || (all && !e.pauseAll) {
            e.pauseAll = all || (e.pauseAll && e.pauseUntil > e.now)
            e.pauseUntil = max(end, e.pauseUntil)
            if e.pauseUntil > 0 { e.onBlock?(e.pauseUntil) }
        }
        c.reply.ok()
    }

    static func clientUnpause(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.unpause()
        c.reply.ok()
    }

    /// CLIENT REPLY ON|OFF|SKIP: OFF silences every reply until ON, SKIP
    /// the next command's (NodeEngine.execute drops them).
    static func clientReply(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.isWord(2, "on") {
            c.replyMode = .on
            c.reply.ok()
        } else if a.isWord(2, "off") {
            c.replyMode = .off
        } else if a.isWord(2, "skip") {
            if c.replyMode != .off { c.replyMode = .skipNext }
        } else {
            e.fail(c, "ERR syntax error")
        }
    }

    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: a client blocked in BLPOP & co answers
    /// as if it timed out, or with an error; 1 if it was blocked there.
    static func clientUnblock(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let id = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        var withError = false
        if a.count == 4 {
            if a.isWord(3, "error") { withError = true } else if !a.isWord(3, "timeout") {
                return e.fail(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
            }
        } else if a.count > 4 {
            return e.fail(c, "ERR syntax error")
        }
        guard let target = e.clients[id], target.blocked != nil else { return c.reply.integer(0) }
        e.unblock(target)
        if withError {
            target.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
        } else {
            target.reply.nullArray()
        }
        target.wake?()
        c.reply.integer(1)
    }
}
