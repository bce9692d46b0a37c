/// Key access as redis-server's db.c does it: every lookup first removes a
/// key whose time has passed (lazy expiry: once now is past it, not at its
/// very millisecond, as keyIsExpired decides); reads count hits and misses.
extension NodeEngine {
    /// The index of `key` in database `db`, after lazy expiry.
    func index(_ db: Int, _ key: [UInt8]) -> Int? {
        if !databases[db].expires.isEmpty, let expireAt = databases[db].expireTime(key), expireAt < now {
            if replication.master != nil || aof.loading { return servingMaster || aof.loading ? databases[db].table.find(key) : nil }
            expire(db, key)
            return nil
        }
        return databases[db].table.find(key)
    }

    /// The index of argument `argument` as a key, without copying its bytes.
    @inline(__always)
    func index(_ db: Int, _ arguments: Arguments, _ argument: Int) -> Int? {
        arguments.withBytes(argument) { key in
            let database = databases[db]
            if !database.expires.isEmpty, let slot = database.expires.find(key), database.expires[value: slot] < now {
                if replication.master != nil || aof.loading { return servingMaster || aof.loading ? database.table.find(key) : nil }
                expire(db, Array(key))
                return nil
            }
            return database.table.find(key)
        }
    }

    /// read(_:_:) for a key that is an argument of the request.
    func read(_ client: ClientSession, _ arguments: Arguments, _ argument: Int) -> Value? {
        guard let index = index(client.db, arguments, argument) else {
            stats.keyspaceMisses += 1
            notify(.keyMiss, "keymiss", arguments, argument, db: client.db)
            return nil
        }
        stats.keyspaceHits += 1
        let table = databases[client.db]
        table.table.stamps[index] = touchedStamp(table.table.stamps[index])
        return table.table[value: index]
    }

    /// setKey for a key that is an argument: one lookup, and no copy of the
    /// key unless it is new and longer than fits inline.
    func store(_ client: ClientSession, _ arguments: Arguments, _ argument: Int, _ value: Value, keepTTL: Bool = false) {
        let database = databases[client.db]
        if let index = index(client.db, arguments, argument) {
            if !blockedByKey.isEmpty, case .stream = database.table[value: index] { signalReady(client.db, arguments[argument]) }
            database.table[value: index] = value
            database.table.stamps[index] = touchedStamp(database.table.stamps[index])
            if !keepTTL && !database.expires.isEmpty { arguments.withBytes(argument) { key in
                if let slot = database.expires.find(key) { database.expires.remove(at: slot) }
            } }
        } else {
            _ = arguments.withBytes(argument) { database.table.insert($0, value, stamp: newKeyStamp) }
            notify(.new, "new", arguments, argument, db: client.db)
        }
        modified(client.db, arguments, argument)
        if !blockedByKey.isEmpty { keyNowHolds(client.db, arguments[argument], value) }
    }

    /// modified(_:_:) without copying the key unless a client watches keys.
    @inline(__always)
    func modified(_ db: Int, _ arguments: Arguments, _ argument: Int, changes: Int64 = 1) {
        dirty += changes
        if !watchers.isEmpty { signalWatchers(db, arguments[argument]) }
    }

    /// lookup(_:_:) for a key that is an argument of the request.
    func lookup(_ client: ClientSession, _ arguments: Arguments, _ argument: Int) -> Value? {
        guard let index = index(client.db, arguments, argument) else { return nil }
        let database = databases[client.db]
        database.table.stamps[index] = touchedStamp(database.table.stamps[index])
        return database.table[value: index]
    }

    /// add(_:_:_:) for a key that is an argument of the request.
    func add(_ client: ClientSession, _ arguments: Arguments, _ argument: Int, _ value: Value) {
        let database = databases[client.db]
        _ = arguments.withBytes(argument) { database.table.insert($0, value, stamp: newKeyStamp) }
        notify(.new, "new", arguments, argument, db: client.db)
        if !blockedByKey.isEmpty { keyNowHolds(client.db, arguments[argument], value) }
    }

    /// A read lookup: counts a keyspace hit or miss and stamps the key's access time.
    func read(_ client: ClientSession, _ key: [UInt8]) -> Value? {
        guard let index = index(client.db, key) else {
            stats.keyspaceMisses += 1
            notify(.keyMiss, "keymiss", key, db: client.db)
            return nil
        }
        stats.keyspaceHits += 1
        databases[client.db].table.stamps[index] = touchedStamp(databases[client.db].table.stamps[index])
        return databases[client.db].table[value: index]
    }

    /// lookupKeyReadWithFlags(LOOKUP_NOTOUCH), for EXISTS, TYPE, TTL and
    /// OBJECT: a read that counts a hit or miss but leaves the access time
    /// (and so OBJECT IDLETIME) as it was.
    func peek(_ client: ClientSession, _ key: [UInt8], notifiesMiss: Bool = true) -> Value? {
        guard let index = index(client.db, key) else {
            stats.keyspaceMisses += 1
            if notifiesMiss { notify(.keyMiss, "keymiss", key, db: client.db) }
            return nil
        }
        stats.keyspaceHits += 1
        return databases[client.db].table[value: index]
    }

    /// A lookup for writing: no statistics.
    func lookup(_ client: ClientSession, _ key: [UInt8]) -> Value? {
        guard let index = index(client.db, key) else { return nil }
        databases[client.db].table.stamps[index] = touchedStamp(databases[client.db].table.stamps[index])
        return databases[client.db].table[value: index]
    }

    /// setKey: a new value replaces the old and, unless kept, its time to live.
    func store(_ client: ClientSession, _ key: [UInt8], _ value: Value, keepTTL: Bool = false) {
        store(db: client.db, key, value, keepTTL: keepTTL)
    }

    func store(db: Int, _ key: [UInt8], _ value: Value, keepTTL: Bool = false) {
        if let index = index(db, key) {
            if !blockedByKey.isEmpty, case .stream = databases[db].table[value: index] { signalReady(db, key) }
            databases[db].table[value: index] = value
            databases[db].table.stamps[index] = touchedStamp(databases[db].table.stamps[index])
            if !keepTTL && !databases[db].expires.isEmpty { databases[db].removeExpire(key) }
        } else {
            databases[db].table.insert(key, value, stamp: newKeyStamp)
            notify(.new, "new", key, db: db)
        }
        modified(db, key)
        if !blockedByKey.isEmpty { keyNowHolds(db, key, value) }
    }

    /// Adds a key known to be absent (after a lookup that found nothing).
    func add(_ client: ClientSession, _ key: [UInt8], _ value: Value) {
        databases[client.db].table.insert(key, value, stamp: newKeyStamp)
        notify(.new, "new", key, db: client.db)
        modified(client.db, key)
        if !blockedByKey.isEmpty { keyNowHolds(client.db, key, value) }
    }

    @discardableResult
    func delete(_ db: Int, _ key: [UInt8]) -> Bool {
        guard index(db, key) != nil else { return false }
        databases[db].remove(key)
        modified(db, key)
        // A stream's XREADGROUP clients learn it is gone (dbGenericDelete).
        if !blockedByKey.isEmpty { signalReady(db, key) }
        return true
    }

    /// Removes an expired key (lazily or by the active cycle).
    func expire(_ db: Int, _ key: [UInt8]) {
        guard !keepsExpiredKeys else { return }
        databases[db].remove(key)
        if !blockedByKey.isEmpty { signalReady(db, key) }
        if propagates { propagateDeletion(db, key, lazy: config.bool("lazyfree-lazy-expire")) }
        stats.expiredKeys += 1
        notify(.expired, "expired", key, db: db)
        signalWatchers(db, key)
    }

    /// Every change of a key: WATCH invalidation and the dirty counter.
    func modified(_ db: Int, _ key: [UInt8], changes: Int64 = 1) {
        dirty += changes
        signalWatchers(db, key)
    }


    /// HDEL, SREM, ZREM: removes the members named from argument 2 on; a
    /// collection left empty goes with its key. Returns how many went.
    func removeMembers(_ client: ClientSession, _ arguments: Arguments, key: [UInt8], event: (KeyspaceEvents, StaticString),
                       remove: ([UInt8]) -> Bool, remaining: () -> Int) -> Int {
        var removed = 0
        for index in 2..<arguments.count where remove(arguments[index]) {
            removed += 1
            if remaining() == 0 { break }
        }
        if removed > 0 {
            notify(event.0, event.1, key, db: client.db)
            if remaining() == 0 {
                databases[client.db].remove(key)
                notify(.generic, "del", key, db: client.db)
            }
            modified(client.db, key, changes: Int64(removed))
        }
        return removed
    }

    /// A collection left empty is removed, as redis-server does.
    func removeIfEmpty(_ client: ClientSession, _ key: [UInt8], count: Int) {
        if count == 0 { databases[client.db].remove(key) }
    }

    /// A looked-up value as the type a command needs: .some(nil) when the key
    /// is missing, nil after replying WRONGTYPE for another type.
    func typed<T>(_ client: ClientSession, _ value: Value?, _ type: (Value) -> T?) -> T?? {
        guard let value else { return .some(nil) }
        guard let typed = type(value) else {
            wrongType(client)
            return .none
        }
        return .some(typed)
    }

    func wrongType(_ client: ClientSession) {
        fail(client, "WRONGTYPE Operation against a key holding the wrong kind of value")
    }

    /// The LRU clock: seconds resolution, 24 bits, as redis-server keeps it.
    var lruClock: UInt32 { UInt32(truncatingIfNeeded: (now / 1000) & 0xFF_FFFF) }

    func expiresAt(_ db: Int, _ key: [UInt8]) -> Int64? {
        databases[db].expires.isEmpty ? nil : databases[db].expireTime(key)
    }
}

extension NodeEngine {
    /// A key now holds a list or sorted set it did not hold before (dbAdd's
    /// signalKeyAsReady): a client blocked on it may be served, whichever
    /// command put it there (a push, RENAME, MOVE, COPY, RESTORE, a STORE).
    func keyNowHolds(_ db: Int, _ key: [UInt8], _ value: Value) {
        switch value {
        case .list, .zset, .stream: signalReady(db, key)
        default: break
        }
    }

    /// Queues `key` for serveReadyKeys if clients wait on it, once per batch of changes.
    func signalReady(_ db: Int, _ key: [UInt8]) {
        let name = WatchedKeyName(db: db, key: key)
        guard !blockedByKey.isEmpty, blockedByKey[name] != nil, !readyKeys.contains(name) else { return }
        readyKeys.append(name)
    }
}
