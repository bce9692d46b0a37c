/// The hash commands of t_hash.c.
enum HashCommands {
    static let all: [(String, CommandHandler)] = [
        ("hset", hset), ("hmset", hset), ("hsetnx", hsetnx), ("hget", hget), ("hmget", hmget), ("hdel", hdel),
        ("hlen", hlen), ("hstrlen", hstrlen), ("hexists", hexists), ("hkeys", hkeys), ("hvals", hvals),
        ("hgetall", hgetall), ("hincrby", hincrby), ("hincrbyfloat", hincrbyfloat), ("hrandfield", hrandfield),
        ("hscan", hscan),
    ]

    /// The hash at `key` for reading: .some(nil) when missing, nil after a WRONGTYPE reply.
    static func read(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> HashValue?? {
        e.typed(c, e.read(c, key), \.asHash)
    }

    /// hashTypeLookupWriteOrCreate.
    static func writable(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> HashValue? {
        if let value = e.lookup(c, key) {
            guard case .hash(let hash) = value else {
                e.wrongType(c)
                return nil
            }
            return hash
        }
        let hash = HashValue()
        e.add(c, key, .hash(hash))
        return hash
    }

    static func hset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 0 else { return e.fail(c, "ERR wrong number of arguments for '\(a.lowercased(0))' command") }
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asHash) else { return }
        let hash: HashValue
        if let found {
            hash = found
        } else {
            hash = HashValue()
            e.add(c, a, 1, .hash(hash))
        }
        var created = 0
        for index in stride(from: 2, to: a.count, by: 2) {
            let new = a.withBytes(index) { field in
                a.withBytes(index + 1) { value in hash.set(field, value, limits: e.encodingLimits, seed: e.hashSeed) }
            }
            if new { created += 1 }
        }
        if a.isWord(0, "hset") { c.reply.integer(created) } else { c.reply.ok() }
        e.modified(c.db, a, 1, changes: Int64((a.count - 2) / 2))
        e.notify(.hashes, "hset", a, 1, db: c.db)
    }

    static func hsetnx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let hash = writable(e, c, key) else { return }
        if hash.get(a[2]) != nil { return c.reply.integer(0) }
        hash.set(a[2], a[3], limits: e.encodingLimits, seed: e.hashSeed)
        e.modified(c.db, key)
        e.notify(.hashes, "hset", key, db: c.db)
        c.reply.integer(1)
    }

    static func hget(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        if let value = found?.get(a[2]) { c.reply.bulk(value) } else { c.reply.null() }
    }

    static func hmget(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            if let value = found?.get(a[index]) { c.reply.bulk(value) } else { c.reply.null() }
        }
    }

    static func hdel(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = read(e, c, key) else { return }
        guard let hash = found else { return c.reply.integer(0) }
        c.reply.integer(e.removeMembers(c, a, key: key, event: (.hashes, "hdel"), remove: hash.remove, remaining: { hash.count }))
    }

    static func hlen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.count ?? 0)
    }

    static func hstrlen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.get(a[2])?.count ?? 0)
    }

    static func hexists(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.get(a[2]) != nil ? 1 : 0)
    }

    static func hkeys(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        let pairs = found?.pairs ?? []
        c.reply.array(pairs.count)
        for pair in pairs { c.reply.bulk(pair.field) }
    }

    static func hvals(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        let pairs = found?.pairs ?? []
        c.reply.array(pairs.count)
        for pair in pairs { c.reply.bulk(pair.value) }
    }

    static func hgetall(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        let pairs = found?.pairs ?? []
        c.reply.map(pairs.count)
        for pair in pairs {
            c.reply.bulk(pair.field)
            c.reply.bulk(pair.value)
        }
    }

    static func hincrby(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let increment = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
        let key = a[1]
        guard let hash = writable(e, c, key) else { return }
        var value: Int64 = 0
        if let current = hash.get(a[2]) {
            guard let number = RedisInteger.parse(current) else { return e.fail(c, "ERR hash value is not an integer") }
            value = number
        }
        let (result, overflow) = value.addingReportingOverflow(increment)
        guard !overflow else { return e.fail(c, "ERR increment or decrement would overflow") }
        hash.set(a[2], RedisInteger.bytes(result), limits: e.encodingLimits, seed: e.hashSeed)
        e.modified(c.db, key)
        e.notify(.hashes, "hincrby", key, db: c.db)
        c.reply.integer(result)
    }

    static func hincrbyfloat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let increment = LongDouble.parse(a[3]) else { return e.fail(c, "ERR value is not a valid float") }
        guard increment.isFinite else { return e.fail(c, "ERR value is NaN or Infinity") }
        let key = a[1]
        guard let hash = writable(e, c, key) else { return }
        var value: Float80 = 0
        if let current = hash.get(a[2]) {
            guard let number = LongDouble.parse(current) else { return e.fail(c, "ERR hash value is not a float") }
            value = number
        }
        value += increment
        guard value.isFinite else { return e.fail(c, "ERR increment would produce NaN or Infinity") }
        let text = LongDouble.humanFriendly(value)
        hash.set(a[2], text, limits: e.encodingLimits, seed: e.hashSeed)
        e.modified(c.db, key)
        e.notify(.hashes, "hincrbyfloat", key, db: c.db)
        e.propagate(as: [Words.hset, key, a[2], text])
        c.reply.bulk(text)
    }

    static func hrandfield(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count >= 3 {
            guard let count = e.signedCountArgument(c, a, 2) else { return }
            let withValues = a.count == 4
            if a.count > 4 || (a.count == 4 && !a.isWord(3, "withvalues")) { return e.fail(c, "ERR syntax error") }
            if withValues && (count < -Int64.max / 2 || count > Int64.max / 2) { return e.fail(c, "ERR value is out of range") }
            guard let found = read(e, c, a[1]) else { return }
            guard let hash = found, count != 0 else { return c.reply.emptyArray() }
            let pairs = hash.pairs
            var picked: [(field: [UInt8], value: [UInt8])]
            if count < 0 {
                picked = (0..<Int(-count)).map { _ in pairs[Int.random(in: 0..<pairs.count, using: &e.random)] }
            } else {
                picked = Array(pairs.shuffled(using: &e.random).prefix(Int(count)))
            }
            if withValues && c.reply.protocolVersion == 2 {
                c.reply.array(picked.count * 2)
                for pair in picked { c.reply.bulk(pair.field); c.reply.bulk(pair.value) }
            } else {
                c.reply.array(picked.count)
                for pair in picked {
                    if withValues {
                        c.reply.array(2)
                        c.reply.bulk(pair.field)
                        c.reply.bulk(pair.value)
                    } else {
                        c.reply.bulk(pair.field)
                    }
                }
            }
            return
        }
        guard let found = read(e, c, a[1]) else { return }
        guard let hash = found else { return c.reply.null() }
        let pairs = hash.pairs
        c.reply.bulk(pairs[Int.random(in: 0..<pairs.count, using: &e.random)].field)
    }

    static func hscan(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cursor = Scan.cursor(a, 2) else { return e.fail(c, "ERR invalid cursor") }
        guard let options = Scan.options(e, c, a, from: 3, allowType: false) else { return }
        guard let found = read(e, c, a[1]) else { return }
        var pairs: [(field: [UInt8], value: [UInt8])] = []
        var next: UInt64 = 0
        if let hash = found {
            switch hash.storage {
            case .listpack(let all): pairs = all
            case .table(let table):
                next = Scan.walk(cursor: cursor, count: options.count) { cursor in
                    table.scan(cursor: cursor) { pairs.append((table.key(at: $0), table.values[$0])) }
                } isFull: { pairs.count >= options.count }
            }
        }
        if let pattern = options.pattern { pairs = pairs.filter { GlobPattern.matches(pattern, $0.field) } }
        c.reply.array(2)
        c.reply.bulk(String(next))
        c.reply.array(pairs.count * 2)
        for pair in pairs { c.reply.bulk(pair.field); c.reply.bulk(pair.value) }
    }
}
