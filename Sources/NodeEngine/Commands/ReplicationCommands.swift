import RDB

/// REPLCONF, SYNC / PSYNC (replicas, and clients that want the RDB alone:
/// REPLCONF rdb-only 1, what `rcluster backup` and redis-cli --rdb use),
/// REPLICAOF / SLAVEOF and WAIT.
enum ReplicationCommands {
    static let all: [(String, CommandHandler)] = [
        ("replconf", replconf), ("sync", sync), ("psync", sync), ("replicaof", replicaof), ("slaveof", replicaof), ("wait", wait),
        ("role", role),
    ]

    /// ROLE: a master's offset and its online replicas; a replica's master,
    /// link state and processed offset (-1 while it has no master client).
    static func role(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let master = e.replication.master else {
            let online = e.replication.replicas.compactMap { replica in replica.replicaLink.map { (replica, $0) } }.filter { $0.1.state == .online }
            c.reply.array(3)
            c.reply.bulk(Array("master".utf8))
            c.reply.integer(e.replication.offset)
            c.reply.array(online.count)
            for (replica, link) in online {
                c.reply.array(3)
                c.reply.bulk(Array(e.replicaIP(replica, link).utf8))
                c.reply.bulk(Array(String(link.listeningPort).utf8))
                c.reply.bulk(Array(String(link.ackOffset).utf8))
            }
            return
        }
        let state = switch master.state {
        case .connect: "connect"
        case .connecting: "connecting"
        case .handshake: "handshake"
        case .transfer: "sync"
        case .connected: "connected"
        }
        c.reply.array(5)
        c.reply.bulk(Array("slave".utf8))
        c.reply.bulk(Array(master.host.utf8))
        c.reply.integer(Int64(master.port))
        c.reply.bulk(Array(state.utf8))
        c.reply.integer(master.state == .connected ? e.replication.offset : -1)
    }

    static func replconf(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 1 else { return e.fail(c, "ERR syntax error") }
        var capabilities = c.replicaCapabilities
        for index in stride(from: 1, to: a.count, by: 2) {
            if a.isWord(index, "listening-port") {
                guard let port = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                capabilities.listeningPort = Int(truncatingIfNeeded: port)
            } else if a.isWord(index, "ip-address") {
                guard a.length(index + 1) < 256 else {
                    return e.fail(c, "ERR REPLCONF ip-address provided by replica instance is too long: \(a.length(index + 1)) bytes")
                }
                capabilities.ip = a.string(index + 1)
            } else if a.isWord(index, "capa") {
                if a.isWord(index + 1, "eof") { capabilities.eof = true }
                if a.isWord(index + 1, "psync2") { capabilities.psync2 = true }
            } else if a.isWord(index, "ack") {
                // Never answered; only a replica's counts.
                if let offset = a.integer(index + 1) { e.replicaAcknowledged(c, offset: offset) }
                return
            } else if a.isWord(index, "getack") {
                // From this node's master: where the replica is, before these bytes.
                if c.isMaster { e.sendACK() }
                return
            } else if a.isWord(index, "rdb-only") {
                guard let value = a.integer(index + 1), (0...1).contains(value) else {
                    return e.fail(c, "ERR value is out of range, value must between 0 and 1")
                }
                c.rdbOnly = value == 1
            } else {
                return e.fail(c, "ERR Unrecognized REPLCONF option: \(a.string(index))")
            }
        }
        c.replicaCapabilities = capabilities
        c.reply.ok()
    }

    static func sync(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if c.isMaster { return }
        guard c.rdbOnly else { return e.attachReplica(c, a) }
        if a.isWord(0, "psync") { c.reply.raw(Array("+FULLRESYNC \(e.replication.id) \(e.replication.offset)\r\n".utf8)) }
        let snapshot = e.rdbSnapshot()
        c.reply.raw(Array("$\(snapshot.count)\r\n".utf8))
        c.reply.raw(snapshot)
        c.closeAfterReply = true
    }

    /// REPLICAOF host port | NO ONE (SLAVEOF the same).
    static func replicaof(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.cluster != nil { return e.fail(c, "ERR REPLICAOF not allowed in cluster mode.") }
        if a.isWord(1, "no") && a.isWord(2, "one") {
            if e.isReplica {
                e.replicationUnsetMaster()
                e.log(.notice, "MASTER MODE enabled (user request from '\(e.describe(c))')")
            }
            return c.reply.ok()
        }
        if c.replicaLink != nil { return e.fail(c, "ERR Command is not valid when client is a replica.") }
        guard let port = a.integer(2), (0...65535).contains(port) else {
            return e.fail(c, a.integer(2) == nil ? "ERR value is not an integer or out of range" : "ERR Invalid master port")
        }
        let host = a.string(1)
        if let master = e.replication.master, master.host.lowercased() == host.lowercased(), master.port == Int(port) {
            e.log(.notice, "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
            return c.reply.simple("OK Already connected to specified master")
        }
        e.replicationSetMaster(host: host, port: Int(port))
        e.log(.notice, "REPLICAOF \(host):\(port) enabled (user request from '\(e.describe(c))')")
        c.reply.ok()
    }

    /// WAIT numreplicas timeout: how many replicas have this client's writes.
    static func wait(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.isReplica {
            return e.fail(c, "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
        }
        guard let wanted = a.integer(1) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard let timeout = a.integer(2) else { return e.fail(c, "ERR timeout is not an integer or out of range") }
        guard timeout >= 0 else { return e.fail(c, "ERR timeout is negative") }
        let acknowledged = e.replicasAcknowledging(c.writeOffset)
        if acknowledged >= wanted || c.inExec { return c.reply.integer(acknowledged) }
        e.blockForReplicas(c, wanted: wanted, offset: c.writeOffset, deadline: timeout > 0 ? e.deadline(after: timeout) : 0, arguments: a)
    }
}

extension NodeEngine {
    /// The dataset as an RDB file, as rdbSaveRio writes it.
    /// With `replication` (a full sync), the AUX fields a replica reads its
    /// stream's DB, history and offset from.
    func rdbSnapshot(replication: (streamDB: Int, id: String, offset: Int64)? = nil, aofBase: Bool = false) -> [UInt8] {
        var aux = [("redis-ver", EngineVersion.redisVersion), ("redis-bits", "64"), ("ctime", String(now / 1000)),
                   ("used-mem", String(residentMemory?() ?? 0))]
        if let replication {
            aux += [("repl-stream-db", String(replication.streamDB)), ("repl-id", replication.id), ("repl-offset", String(replication.offset))]
        }
        aux.append(("aof-base", aofBase ? "1" : "0"))
        var file = RDBFileWriter(aux: aux, compression: config.bool("rdbcompression"), checksum: config.bool("rdbchecksum"))
        for library in scripting.libraries.sorted { file.writeLibrary(library.code) }
        for (index, database) in databases.enumerated() where database.count > 0 {
            file.selectDatabase(index, keys: database.count, expires: database.expires.count)
            for entry in 0..<database.table.count {
                let key = database.table.key(at: entry)
                // Keys past their time too, as rdbSaveRio writes them: a master drops them on load, a replica waits for the DEL.
                let expireAt = database.expires.isEmpty ? nil : database.expireTime(key)
                file.write(key: key, value: database.table[value: entry].rdbValue, expireAt: expireAt)
            }
        }
        return file.finish()
    }
}
