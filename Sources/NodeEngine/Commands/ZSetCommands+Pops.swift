/// ZPOPMIN/ZPOPMAX, ZMPOP and their blocking forms.
extension ZSetCommands {
    static func zpopmin(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { popCommand(e, c, a, min: true) }
    static func zpopmax(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { popCommand(e, c, a, min: false) }

    static func popCommand(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, min: Bool) {
        guard a.count <= 3 else { return e.fail(c, "ERR syntax error") }
        var count = -1
        if a.count == 3 {
            guard let value = a.integer(2), value >= 0 else { return e.fail(c, "ERR value is out of range, must be positive") }
            count = Int(Swift.min(value, Int64(Int32.max)))
        }
        let nested = c.reply.protocolVersion > 2 && count != -1
        pop(e, c, keys: [a[1]], min: min, count: count, emitKey: false, nested: nested, nullWhenEmpty: false)
    }

    /// genericZpopCommand; the key it popped from and how many, if any.
    @discardableResult
    static func pop(_ e: NodeEngine, _ c: ClientSession, keys: [[UInt8]], min: Bool, count: Int, emitKey: Bool, nested: Bool,
                    nullWhenEmpty: Bool) -> (key: [UInt8], taken: Int)? {
        var chosen: (key: [UInt8], zset: ZSetValue)?
        for key in keys {
            guard let found = read(e, c, key, write: true) else { return nil }
            if let zset = found {
                chosen = (key, zset)
                break
            }
        }
        guard let (key, zset) = chosen else {
            if nullWhenEmpty { c.reply.nullArray() } else { c.reply.emptyArray() }
            return nil
        }
        if count == 0 {
            c.reply.emptyArray()
            return nil
        }
        let taken = Swift.min(count == -1 ? 1 : count, zset.count)
        var entries = min ? zset.entries(0..<taken) : zset.entries((zset.count - taken)..<zset.count).reversed()
        if entries.count > taken { entries = Array(entries.prefix(taken)) }
        if !nested && !emitKey {
            c.reply.array(taken * 2)
        } else if nested && !emitKey {
            c.reply.array(taken)
        } else if !nested && emitKey {
            c.reply.array(taken * 2 + 1)
            c.reply.bulk(key)
        } else {
            c.reply.array(2)
            c.reply.bulk(key)
            c.reply.array(taken)
        }
        for entry in entries {
            zset.remove(entry.member)
            if nested { c.reply.array(2) }
            c.reply.bulk(entry.member)
            c.reply.double(entry.score)
        }
        guard !entries.isEmpty else { return nil }
        e.notify(.zsets, min ? "zpopmin" : "zpopmax", key, db: c.db)
        if zset.count == 0 {
            e.databases[c.db].remove(key)
            e.notify(.generic, "del", key, db: c.db)
        }
        e.modified(c.db, key)
        return (key, entries.count)
    }

    /// ZMPOP, BZMPOP and BZPOPMIN/MAX go out as ZPOPMIN/ZPOPMAX (with the count taken, when they have one).
    private static func propagatePop(_ e: NodeEngine, _ popped: (key: [UInt8], taken: Int)?, min: Bool, withCount: Bool) {
        guard let popped else { return }
        let name = min ? Words.zpopmin : Words.zpopmax
        e.propagate(as: withCount ? [name, popped.key, Words.number(popped.taken)] : [name, popped.key])
    }

    static func side(_ a: Arguments, _ index: Int) -> Bool? {
        if a.isWord(index, "min") { return true }
        if a.isWord(index, "max") { return false }
        return nil
    }

    static func zmpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let parsed = MultiPop.parse(e, c, a, numkeysIndex: 1, sides: { side(a, $0) }) else { return }
        let popped = pop(e, c, keys: parsed.keys, min: parsed.head, count: parsed.count, emitKey: true, nested: true, nullWhenEmpty: true)
        propagatePop(e, popped, min: parsed.head, withCount: true)
    }

    static func bzpopmin(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { blockingPop(e, c, a, min: true) }
    static func bzpopmax(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { blockingPop(e, c, a, min: false) }

    static func blockingPop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, min: Bool) {
        guard let deadline = BlockingCommands.deadline(e, c, a, a.count - 1) else { return }
        let keys = (1..<(a.count - 1)).map { a[$0] }
        for key in keys {
            guard let found = read(e, c, key, write: true) else { return }
            if found != nil {
                let popped = pop(e, c, keys: [key], min: min, count: -1, emitKey: true, nested: false, nullWhenEmpty: true)
                return propagatePop(e, popped, min: min, withCount: false)
            }
        }
        e.block(c, keys: keys, deadline: deadline, arguments: a)
    }

    static func bzmpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let deadline = BlockingCommands.deadline(e, c, a, 1) else { return }
        guard let parsed = MultiPop.parse(e, c, a, numkeysIndex: 2, sides: { side(a, $0) }) else { return }
        for key in parsed.keys {
            guard let found = read(e, c, key, write: true) else { return }
            if found != nil {
                let popped = pop(e, c, keys: [key], min: parsed.head, count: parsed.count, emitKey: true, nested: true, nullWhenEmpty: true)
                return propagatePop(e, popped, min: parsed.head, withCount: true)
            }
        }
        e.block(c, keys: parsed.keys, deadline: deadline, arguments: a)
    }

}
