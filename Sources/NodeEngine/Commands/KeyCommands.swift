/// The generic key commands of db.c and expire.c.
enum KeyCommands {
    static let all: [(String, CommandHandler)] = [
        ("del", del), ("unlink", del), ("exists", exists), ("type", type), ("rename", rename), ("renamenx", renamenx),
        ("copy", copy), ("touch", touch), ("keys", keys), ("scan", scan), ("randomkey", randomkey), ("dbsize", dbsize),
        ("flushall", flushall), ("flushdb", flushdb), ("move", move), ("swapdb", swapdb),
        ("object|encoding", objectEncoding), ("object|refcount", objectRefcount), ("object|idletime", objectIdletime),
        ("object|freq", objectFreq),
        ("expire", expire), ("pexpire", pexpire), ("expireat", expireat), ("pexpireat", pexpireat),
        ("ttl", ttl), ("pttl", pttl), ("expiretime", expiretime), ("pexpiretime", pexpiretime), ("persist", persist),
    ]

    static func del(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var deleted = 0
        let lazy = a.isWord(0, "unlink") || e.config.bool("lazyfree-lazy-user-del")
        for index in 1..<a.count {
            let value = lazy ? e.lookup(c, a, index) : nil
            guard e.delete(c.db, a[index]) else { continue }
            if let value { e.freedLazily(value) }
            e.notify(.generic, "del", a, index, db: c.db)
            deleted += 1
        }
        c.reply.integer(deleted)
    }

    static func exists(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var found = 0
        for index in 1..<a.count where e.peek(c, a[index]) != nil { found += 1 }
        c.reply.integer(found)
    }

    static func touch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var found = 0
        for index in 1..<a.count where e.read(c, a[index]) != nil { found += 1 }
        c.reply.integer(found)
    }

    static func type(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.simple(e.peek(c, a[1])?.typeName ?? "none")
    }

    static func rename(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { renameGeneric(e, c, a, nx: false) }
    static func renamenx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { renameGeneric(e, c, a, nx: true) }

    static func renameGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, nx: Bool) {
        let source = a[1], target = a[2]
        guard let value = e.lookup(c, source) else { return e.fail(c, "ERR no such key") }
        if source == target {
            if nx { c.reply.integer(0) } else { c.reply.ok() }
            return
        }
        let expireAt = e.expiresAt(c.db, source)
        if e.lookup(c, target) != nil {
            if nx {
                c.reply.integer(0)
                return
            }
            e.delete(c.db, target)
        }
        e.delete(c.db, source)
        e.store(c, target, value)
        if let expireAt { e.databases[c.db].setExpire(target, at: expireAt) }
        e.notify(.generic, "rename_from", source, db: c.db)
        e.notify(.generic, "rename_to", target, db: c.db)
        if nx { c.reply.integer(1) } else { c.reply.ok() }
    }

    static func copy(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var replace = false
        var targetDB = c.db
        var index = 3
        while index < a.count {
            if a.isWord(index, "replace") {
                replace = true
            } else if a.isWord(index, "db") && index + 1 < a.count {
                guard let db = a.integer(index + 1), db >= Int64(Int32.min), db <= Int64(Int32.max) else {
                    return e.fail(c, "ERR value is not an integer or out of range")
                }
                targetDB = Int(db)
                index += 1
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        if e.config.bool("cluster-enabled") && (c.db != 0 || targetDB != 0) {
            return e.fail(c, "ERR Copying to another database is not allowed in cluster mode")
        }
        guard targetDB >= 0 && targetDB < e.databases.count else { return e.fail(c, "ERR DB index is out of range") }
        let source = a[1], target = a[2]
        if targetDB == c.db && source == target { return e.fail(c, "ERR source and destination objects are the same") }
        guard let value = e.read(c, source) else { return c.reply.integer(0) }
        let expireAt = e.expiresAt(c.db, source)
        if e.index(targetDB, target) != nil {
            guard replace else { return c.reply.integer(0) }
            e.delete(targetDB, target)
        }
        e.store(db: targetDB, target, value.copied(random: &e.random))
        if let expireAt { e.databases[targetDB].setExpire(target, at: expireAt) }
        e.notify(.generic, "copy_to", target, db: targetDB)
        c.reply.integer(1)
    }

    static func move(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.config.bool("cluster-enabled") { return e.fail(c, "ERR MOVE is not allowed in cluster mode") }
        guard let db = a.integer(2), db >= Int64(Int32.min), db <= Int64(Int32.max) else {
            return e.fail(c, "ERR value is not an integer or out of range")
        }
        guard db >= 0 && db < Int64(e.databases.count) else { return e.fail(c, "ERR DB index is out of range") }
        if Int(db) == c.db { return e.fail(c, "ERR source and destination objects are the same") }
        let key = a[1]
        guard let value = e.lookup(c, key) else { return c.reply.integer(0) }
        if e.index(Int(db), key) != nil { return c.reply.integer(0) }
        let expireAt = e.expiresAt(c.db, key)
        e.delete(c.db, key)
        e.store(db: Int(db), key, value)
        if let expireAt { e.databases[Int(db)].setExpire(key, at: expireAt) }
        e.notify(.generic, "move_from", key, db: c.db)
        e.notify(.generic, "move_to", key, db: Int(db))
        c.reply.integer(1)
    }

    static func swapdb(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.config.bool("cluster-enabled") { return e.fail(c, "ERR SWAPDB is not allowed in cluster mode") }
        guard let first = a.integer(1), first >= Int64(Int32.min), first <= Int64(Int32.max) else {
            return e.fail(c, "ERR invalid first DB index")
        }
        guard let second = a.integer(2), second >= Int64(Int32.min), second <= Int64(Int32.max) else {
            return e.fail(c, "ERR invalid second DB index")
        }
        guard (0..<Int64(e.databases.count)).contains(first), (0..<Int64(e.databases.count)).contains(second) else {
            return e.fail(c, "ERR DB index is out of range")
        }
        e.touchAllWatchedKeys(in: Int(first), replacedWith: Int(second))
        e.touchAllWatchedKeys(in: Int(second), replacedWith: Int(first))
        e.databases.swapAt(Int(first), Int(second))
        e.dirty += 1
        e.signalReadyKeys(inDatabase: Int(first))
        e.signalReadyKeys(inDatabase: Int(second))
        c.reply.ok()
    }

    static func keys(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let pattern = a[1]
        let all = pattern == [UInt8(ascii: "*")]
        let now = e.now
        var matched: [[UInt8]] = []
        let database = e.databases[c.db]
        for key in database.table.keys where all || GlobPattern.matches(pattern, key) {
            if let expireAt = database.expires.isEmpty ? nil : database.expireTime(key), expireAt < now { continue }
            matched.append(key)
        }
        c.reply.array(matched.count)
        for key in matched { c.reply.bulk(key) }
    }

    static func scan(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cursor = Scan.cursor(a, 1) else { return e.fail(c, "ERR invalid cursor") }
        guard let options = Scan.options(e, c, a, from: 2, allowType: true) else { return }
        var found: [[UInt8]] = []
        let table = e.databases[c.db].table
        let next = Scan.walk(cursor: cursor, count: options.count) { cursor in
            table.scan(cursor: cursor) { found.append(table.key(at: $0)) }
        } isFull: { found.count >= options.count }
        let now = e.now
        var keys: [[UInt8]] = []
        for key in found {
            if let pattern = options.pattern, !GlobPattern.matches(pattern, key) { continue }
            if let expireAt = e.expiresAt(c.db, key), expireAt < now {
                e.expire(c.db, key)
                continue
            }
            if let type = options.type, e.databases[c.db].table.find(key).map({ e.databases[c.db].table[value: $0].typeName }) != type {
                continue
            }
            keys.append(key)
        }
        c.reply.array(2)
        c.reply.bulk(String(next))
        c.reply.array(keys.count)
        for key in keys { c.reply.bulk(key) }
    }

    static func randomkey(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let now = e.now
        while let index = e.databases[c.db].table.randomIndex(using: &e.random) {
            let key = e.databases[c.db].table.key(at: index)
            if let expireAt = e.expiresAt(c.db, key), expireAt < now {
                e.expire(c.db, key)
                continue
            }
            return c.reply.bulk(key)
        }
        c.reply.null()
    }

    static func dbsize(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.integer(e.databases[c.db].count)
    }

    static func flushMode(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) -> Bool {
        guard a.count <= 2 else {
            e.fail(c, "ERR syntax error")
            return false
        }
        if a.count == 2 && !a.isWord(1, "sync") && !a.isWord(1, "async") {
            e.fail(c, "ERR syntax error")
            return false
        }
        return true
    }

    /// FLUSHALL/FLUSHDB ASYNC, or lazyfree-lazy-user-flush without a mode.
    static func flushesLazily(_ e: NodeEngine, _ a: Arguments) -> Bool {
        a.count == 2 ? a.isWord(1, "async") : e.config.bool("lazyfree-lazy-user-flush")
    }

    static func flushall(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard flushMode(e, c, a) else { return }
        // emptyDbAsync: the background thread counts every key it frees.
        if flushesLazily(e, a) { e.stats.lazyfreedObjects += Int64(e.databases.reduce(0) { $0 + $1.count }) }
        for db in e.databases.indices { e.flush(db) }
        e.savedAfterFlushAll()
        // Even an empty dataset's FLUSHALL goes out, as 7.0's forceCommandPropagation does.
        e.forcePropagation()
        c.reply.ok()
    }

    static func flushdb(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard flushMode(e, c, a) else { return }
        if flushesLazily(e, a) { e.stats.lazyfreedObjects += Int64(e.databases[c.db].count) }
        e.flush(c.db)
        e.forcePropagation()
        c.reply.ok()
    }

    static func objectEncoding(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let value = e.peek(c, a[2], notifiesMiss: false) else { return c.reply.null() }
        c.reply.bulk(value.encodingName)
    }

    static func objectRefcount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let value = e.peek(c, a[2], notifiesMiss: false) else { return c.reply.null() }
        // Integers 0..9999 are shared objects unless an LRU/LFU policy is set.
        if case .string(.int(let number)) = value, number >= 0, number < 10000, !e.config["maxmemory-policy"].contains("l") {
            return c.reply.integer(Int32.max)
        }
        c.reply.integer(1)
    }

    static func objectIdletime(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[2]
        guard let index = e.index(c.db, key) else {
            e.stats.keyspaceMisses += 1
            return c.reply.null()
        }
        e.stats.keyspaceHits += 1
        if e.usesLFU {
            return e.fail(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
        }
        let stamp = e.databases[c.db].table.stamps[index]
        let now = e.lruClock
        let idle = now >= stamp ? now - stamp : now + (0xFF_FFFF - stamp)
        c.reply.integer(Int64(idle))
    }

    static func objectFreq(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard e.peek(c, a[2], notifiesMiss: false) != nil, let index = e.databases[c.db].table.find(a[2]) else { return c.reply.null() }
        guard e.usesLFU else {
            return e.fail(c, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
        }
        c.reply.integer(Int64(e.lfuCounter(e.databases[c.db].table.stamps[index])))
    }

    // MARK: Expiry

    static func expire(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { expireGeneric(e, c, a, base: e.now, seconds: true) }
    static func pexpire(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { expireGeneric(e, c, a, base: e.now, seconds: false) }
    static func expireat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { expireGeneric(e, c, a, base: 0, seconds: true) }
    static func pexpireat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { expireGeneric(e, c, a, base: 0, seconds: false) }

    static func expireGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, base: Int64, seconds: Bool) {
        var nx = false, xx = false, gt = false, lt = false
        for index in 3..<max(3, a.count) {
            if a.isWord(index, "nx") { nx = true } else if a.isWord(index, "xx") { xx = true }
            else if a.isWord(index, "gt") { gt = true } else if a.isWord(index, "lt") { lt = true }
            else { return e.fail(c, "ERR Unsupported option \(a.string(index))") }
        }
        if (nx && xx) || (nx && gt) || (nx && lt) {
            return e.fail(c, "ERR NX and XX, GT or LT options at the same time are not compatible")
        }
        if gt && lt { return e.fail(c, "ERR GT and LT options at the same time are not compatible") }
        guard var when = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        let command = a.lowercased(0)
        if seconds {
            guard when <= Int64.max / 1000 && when >= Int64.min / 1000 else {
                return e.fail(c, "ERR invalid expire time in '\(command)' command")
            }
            when *= 1000
        }
        guard when <= Int64.max - base else { return e.fail(c, "ERR invalid expire time in '\(command)' command") }
        when += base
        let key = a[1]
        guard e.lookup(c, key) != nil else { return c.reply.integer(0) }
        let current = e.expiresAt(c.db, key)
        if nx && current != nil { return c.reply.integer(0) }
        if xx && current == nil { return c.reply.integer(0) }
        if gt && (current == nil || when <= current!) { return c.reply.integer(0) }
        if lt, let current, when >= current { return c.reply.integer(0) }
        if e.alreadyExpired(when) {
            e.delete(c.db, key)
            e.notify(.generic, "del", key, db: c.db)
            e.propagate(as: [Words.deletion(lazy: e.config.bool("lazyfree-lazy-expire")), key])
        } else {
            e.databases[c.db].setExpire(key, at: when)
            e.modified(c.db, key)
            e.notify(.generic, "expire", key, db: c.db)
            // As PEXPIREAT with the absolute time; PEXPIREAT itself goes out as it came.
            if base != 0 || seconds {
                e.propagate(as: [Words.pexpireat, key, Words.number(when)] + (3..<a.count).map { a[$0] })
            }
        }
        c.reply.integer(1)
    }

    static func ttl(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { ttlGeneric(e, c, a, milliseconds: false, absolute: false) }
    static func pttl(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { ttlGeneric(e, c, a, milliseconds: true, absolute: false) }
    static func expiretime(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { ttlGeneric(e, c, a, milliseconds: false, absolute: true) }
    static func pexpiretime(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { ttlGeneric(e, c, a, milliseconds: true, absolute: true) }

    static func ttlGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, milliseconds: Bool, absolute: Bool) {
        let key = a[1]
        guard e.peek(c, key) != nil else { return c.reply.integer(-2) }
        guard let expireAt = e.expiresAt(c.db, key) else { return c.reply.integer(-1) }
        let ttl = max(0, absolute ? expireAt : expireAt - e.now)
        c.reply.integer(milliseconds ? ttl : (ttl + 500) / 1000)
    }

    static func persist(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard e.lookup(c, key) != nil else { return c.reply.integer(0) }
        guard e.databases[c.db].removeExpire(key) else { return c.reply.integer(0) }
        e.modified(c.db, key)
        e.notify(.generic, "persist", key, db: c.db)
        c.reply.integer(1)
    }
}

extension Value {
    /// A deep copy (COPY): collections are reference types.
    func copied(random: inout SplitMix64Generator) -> Value {
        switch self {
        case .string: return self
        case .list(let list): return .list(ListValue(list.items))
        case .hash(let hash):
            let copy = HashValue()
            copy.storage = hash.storage
            return .hash(copy)
        case .set(let set):
            let copy = SetValue()
            copy.storage = set.storage
            return .set(copy)
        case .zset(let zset):
            return .zset(zset.copy(random: &random))
        case .stream(let stream):
            return .stream(stream.copy())
        }
    }
}

extension NodeEngine {
    func flush(_ db: Int) {
        let count = databases[db].count
        touchAllWatchedKeys(in: db, replacedWith: nil)
        for name in blockedByKey.keys where name.db == db { signalReady(db, name.key) }
        databases[db].removeAll()
        dirty += Int64(count)
    }
}
