/// PING, ECHO, AUTH, HELLO, SELECT, QUIT and RESET (CLIENT is in ClientCommands).
enum ConnectionCommands {
    static let all: [(String, CommandHandler)] = [
        ("ping", ping), ("echo", echo), ("quit", quit), ("select", select), ("auth", auth), ("hello", hello),
        ("reset", reset),
    ]

    static func ping(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 2 else {
            e.fail(c, "ERR wrong number of arguments for 'ping' command")
            return
        }
        if c.isSubscriber && c.reply.protocolVersion == 2 {
            c.reply.array(2)
            c.reply.bulk("pong")
            c.reply.bulk(a.count == 2 ? a[1] : [])
            return
        }
        if a.count == 2 { c.reply.bulk(a[1]) } else { c.reply.raw("+PONG\r\n") }
    }

    static func echo(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { c.reply.bulk(a[1]) }

    static func quit(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.ok()
        c.closeAfterReply = true
    }

    static func select(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let index = a.integer(1), index >= Int64(Int32.min), index <= Int64(Int32.max) else {
            e.fail(c, "ERR value is not an integer or out of range")
            return
        }
        if e.cluster != nil && index != 0 { return e.fail(c, "ERR SELECT is not allowed in cluster mode") }
        guard index >= 0 && index < Int64(e.databases.count) else {
            e.fail(c, "ERR DB index is out of range")
            return
        }
        c.db = Int(index)
        c.reply.ok()
    }

    static func auth(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 3 else {
            e.fail(c, "ERR syntax error")
            return
        }
        // The password (and the user name) never show in MONITOR or the slow log.
        for index in 1..<a.count { e.redact(index) }
        if a.count == 2 && !e.requiresPassword {
            e.fail(c, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
            return
        }
        let user = a.count == 3 ? a[1] : Array("default".utf8)
        if authenticate(e, user: user, password: a[a.count - 1]) {
            c.authenticated = true
            c.reply.ok()
        } else {
            e.fail(c, "WRONGPASS invalid username-password pair or user is disabled.")
        }
    }

    /// Only the default user exists until ACL users arrive.
    static func authenticate(_ e: NodeEngine, user: [UInt8], password: [UInt8]) -> Bool {
        guard user == Array("default".utf8) else { return false }
        return !e.requiresPassword || password == Array(e.config["requirepass"].utf8)
    }

    static func hello(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var version = 0
        var next = 1
        if a.count >= 2 {
            guard let requested = a.integer(1) else {
                e.fail(c, "ERR Protocol version is not an integer or out of range")
                return
            }
            guard requested == 2 || requested == 3 else {
                e.fail(c, "NOPROTO unsupported protocol version")
                return
            }
            version = Int(requested)
            next = 2
        }
        var index = next
        while index < a.count {
            let remaining = a.count - 1 - index
            if a.isWord(index, "auth") && remaining >= 2 {
                e.redact(index + 1)
                e.redact(index + 2)
                guard authenticate(e, user: a[index + 1], password: a[index + 2]) else {
                    e.fail(c, "WRONGPASS invalid username-password pair or user is disabled.")
                    return
                }
                c.authenticated = true
                index += 3
            } else if a.isWord(index, "setname") && remaining >= 1 {
                guard ClientCommands.setName(e, c, a[index + 1]) else { return }
                index += 2
            } else {
                e.fail(c, "ERR Syntax error in HELLO option '\(a.string(index))'")
                return
            }
        }
        guard c.authenticated else {
            e.fail(c, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            return
        }
        if version != 0 { c.reply.protocolVersion = version }
        c.reply.map(7)
        c.reply.bulk("server"); c.reply.bulk("redis")
        c.reply.bulk("version"); c.reply.bulk(EngineVersion.redisVersion)
        c.reply.bulk("proto"); c.reply.integer(c.reply.protocolVersion)
        c.reply.bulk("id"); c.reply.integer(c.id)
        c.reply.bulk("mode"); c.reply.bulk(e.config.bool("cluster-enabled") ? "cluster" : "standalone")
        c.reply.bulk("role"); c.reply.bulk("master")
        c.reply.bulk("modules"); c.reply.emptyArray()
    }

    static func reset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.transaction = nil
        c.transactionFailed = false
        e.unwatchAll(c)
        e.unsubscribeAll(c)
        c.db = 0
        c.reply.protocolVersion = 2
        c.name = nil
        c.authenticated = !e.requiresPassword
        c.asking = false
        c.readOnly = false
        c.reply.simple("RESET")
    }

}

extension NodeEngine {
    /// One line of CLIENT LIST, with redis-server 7.0's fields.
    func describe(_ client: ClientSession) -> String {
        let name = client.name.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // catClientInfoString's letters in its order; a client blocked (BLPOP & co, WAIT) or held
        // by CLIENT PAUSE is CLIENT_BLOCKED there, b (the suite's blocking tests look for it).
        var flags = client.isMaster ? "M" : client.replicaLink != nil ? "S" : ""
        if client.transaction != nil { flags += "x" }
        if client.blocked != nil || client.postponed != nil { flags += "b" }
        if flags.isEmpty { flags = "N" }
        // Redis keeps replies in a 16 KB buffer (obl) and then a list (oll
        // nodes, omem bytes); here what the socket has not taken is one list.
        let input = client.bufferedInput(), output = client.bufferedOutput()
        let pending = "qbuf=\(input) qbuf-free=\(input == 0 ? 0 : max(0, 32768 - input)) argv-mem=0 multi-mem=0 rbs=\(client.replyBufferSizing.size) rbp=\(client.replyBufferSizing.peak) obl=0 oll=\(output > 0 ? 1 : 0) omem=\(output) tot-mem=\(1024 + input + output)"
        return "id=\(client.id) addr=\(client.address) laddr=\(client.localAddress) fd=8 name=\(name) age=\((now - client.createdAt) / 1000) idle=\((now - client.lastInteraction) / 1000) flags=\(flags) db=\(client.db) sub=\(client.subscriptions[0].count) psub=\(client.subscriptions[1].count) ssub=\(client.subscriptions[2].count) multi=\(client.transaction.map { $0.count } ?? -1) \(pending) events=r cmd=\(client.lastCommand) user=default redir=-1 resp=\(client.reply.protocolVersion)"
    }
}
