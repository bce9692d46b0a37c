import RDB

/// The primary's side of replication that exists so far: REPLCONF, and SYNC
/// / PSYNC for clients that asked for the RDB only (REPLCONF rdb-only 1, what
/// `rcluster backup` and redis-cli --rdb use). Serving replicas a command
/// stream is the next engine step; until then a full replica is refused.
enum ReplicationCommands {
    static let all: [(String, CommandHandler)] = [("replconf", replconf), ("sync", sync), ("psync", sync)]

    static func replconf(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 1 else { return e.fail(c, "ERR syntax error") }
        for index in stride(from: 1, to: a.count, by: 2) {
            if a.isWord(index, "listening-port") {
                guard a.integer(index + 1) != nil else { return e.fail(c, "ERR value is not an integer or out of range") }
            } else if a.isWord(index, "ip-address") {
                guard a.length(index + 1) < 256 else {
                    return e.fail(c, "ERR REPLCONF ip-address provided by replica instance is too long: \(a.length(index + 1)) bytes")
                }
            } else if a.isWord(index, "capa") {
                continue
            } else if a.isWord(index, "ack") || a.isWord(index, "getack") {
                return  // never answered
            } else if a.isWord(index, "rdb-only") {
                guard let value = a.integer(index + 1), (0...1).contains(value) else {
                    return e.fail(c, "ERR value is out of range, value must between 0 and 1")
                }
                c.rdbOnly = value == 1
            } else {
                return e.fail(c, "ERR Unrecognized REPLCONF option: \(a.string(index))")
            }
        }
        c.reply.ok()
    }

    static func sync(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard c.rdbOnly else {
            return e.fail(c, "ERR this node cannot serve replicas yet: only REPLCONF rdb-only 1 snapshots (replication is the engine's next step)")
        }
        if a.isWord(0, "psync") { c.reply.raw(Array("+FULLRESYNC \(e.replicationID) 0\r\n".utf8)) }
        let snapshot = e.rdbSnapshot()
        c.reply.raw(Array("$\(snapshot.count)\r\n".utf8))
        c.reply.raw(snapshot)
        c.closeAfterReply = true
    }
}

extension NodeEngine {
    /// The dataset as an RDB file, as rdbSaveRio writes it.
    func rdbSnapshot() -> [UInt8] {
        var file = RDBFileWriter(aux: [
            ("redis-ver", EngineVersion.redisVersion), ("redis-bits", "64"), ("ctime", String(now / 1000)),
            ("used-mem", String(residentMemory?() ?? 0)), ("aof-base", "0"),
        ], compression: config.bool("rdbcompression"), checksum: config.bool("rdbchecksum"))
        for (index, database) in databases.enumerated() where database.count > 0 {
            file.selectDatabase(index, keys: database.count, expires: database.expires.count)
            for entry in 0..<database.table.count {
                let key = database.table.key(at: entry)
                let expireAt = database.expires.isEmpty ? nil : database.expireTime(key)
                if let expireAt, expireAt <= now { continue }
                file.write(key: key, value: database.table[value: entry].rdbValue, expireAt: expireAt)
            }
        }
        return file.finish()
    }
}
