import RDB

/// DUMP, RESTORE and RESTORE-ASKING (cluster.c's dumpCommand and
/// restoreCommand), with 7.0.15's checks in its order.
enum DumpCommands {
    static let all: [(String, CommandHandler)] = [("dump", dump), ("restore", restore), ("restore-asking", restore)]

    static func dump(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let value = e.read(c, a, 1) else { return c.reply.null() }
        c.reply.bulk(DumpPayload.encode(value.rdbValue))
    }

    static func restore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var replace = false, absoluteTTL = false
        var idle: Int64?, frequency: Int64?
        var index = 4
        while index < a.count {
            let more = a.count - index - 1
            if a.isWord(index, "replace") {
                replace = true
            } else if a.isWord(index, "absttl") {
                absoluteTTL = true
            } else if a.isWord(index, "idletime") && more >= 1 && frequency == nil {
                guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                guard value >= 0 else { return e.fail(c, "ERR Invalid IDLETIME value, must be >= 0") }
                idle = value
                index += 1
            } else if a.isWord(index, "freq") && more >= 1 && idle == nil {
                guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                guard (0...255).contains(value) else { return e.fail(c, "ERR Invalid FREQ value, must be >= 0 and <= 255") }
                frequency = value
                index += 1
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        let key = a[1]
        if !replace && e.lookup(c, key) != nil { return e.fail(c, "BUSYKEY Target key name already exists.") }
        guard var ttl = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard ttl >= 0 else { return e.fail(c, "ERR Invalid TTL value, must be >= 0") }
        let decoded: RDBValue
        do {
            decoded = try DumpPayload.decode(a[3])
        } catch .versionOrChecksum {
            return e.fail(c, "ERR DUMP payload version or checksum are wrong")
        } catch {
            return e.fail(c, "ERR Bad data format")
        }
        guard let value = try? Value(rdb: decoded, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random) else {
            return e.fail(c, "ERR Bad data format")
        }
        let deleted = replace && e.delete(c.db, key)
        if ttl != 0 && !absoluteTTL { ttl += e.now }
        if ttl != 0 && e.alreadyExpired(ttl) {
            if deleted {
                e.dirty += 1
                e.notify(.generic, "del", key, db: c.db)
                e.propagate(as: [Words.del, key])
            }
            return c.reply.ok()
        }
        e.add(c, key, value)
        if ttl != 0 {
            e.databases[c.db].setExpire(key, at: ttl)
            if !absoluteTTL {
                e.propagate(as: (0..<a.count).map { $0 == 2 ? Words.number(ttl) : a[$0] } + [Words.absttl])
            }
        }
        if let index = e.databases[c.db].table.find(key) {
            // objectSetLRUOrLFU: each option counts only under its kind of policy.
            if let idle, !e.usesLFU {
                let clock = Int64(e.lruClock)
                e.databases[c.db].table.stamps[index] = UInt32(truncatingIfNeeded: max(0, clock - min(idle, clock)))
            } else if let frequency, e.usesLFU {
                e.databases[c.db].table.stamps[index] = e.stamp(frequency: UInt32(frequency))
            }
        }
        e.notify(.generic, "restore", key, db: c.db)
        c.reply.ok()
    }
}
