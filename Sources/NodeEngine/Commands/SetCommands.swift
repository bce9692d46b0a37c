/// The set commands of t_set.c.
enum SetCommands {
    static let all: [(String, CommandHandler)] = [
        ("sadd", sadd), ("srem", srem), ("smembers", smembers), ("sismember", sismember), ("smismember", smismember),
        ("scard", scard), ("spop", spop), ("srandmember", srandmember), ("smove", smove),
        ("sinter", sinter), ("sunion", sunion), ("sdiff", sdiff),
        ("sinterstore", sinterstore), ("sunionstore", sunionstore), ("sdiffstore", sdiffstore),
        ("sintercard", sintercard), ("sscan", sscan),
    ]

    static func read(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], write: Bool = false) -> SetValue?? {
        e.typed(c, write ? e.lookup(c, key) : e.read(c, key), \.asSet)
    }

    static func sadd(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asSet) else { return }
        let set: SetValue
        if let found { set = found } else {
            set = SetValue()
            e.add(c, a, 1, .set(set))
        }
        var added = 0
        for index in 2..<a.count where a.withBytes(index, { set.add($0, limits: e.encodingLimits, seed: e.hashSeed) }) { added += 1 }
        if added > 0 {
            e.modified(c.db, a, 1, changes: Int64(added))
            e.notify(.sets, "sadd", a, 1, db: c.db)
        }
        c.reply.integer(added)
    }

    static func srem(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let set = found else { return c.reply.integer(0) }
        c.reply.integer(e.removeMembers(c, a, key: key, event: (.sets, "srem"), remove: { set.remove($0) }, remaining: { set.count }))
    }

    static func smembers(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        let members = found?.members ?? []
        c.reply.set(members.count)
        c.reply.bulks(members)
    }

    static func sismember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.contains(a[2]) == true ? 1 : 0)
    }

    static func smismember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.array(a.count - 2)
        for index in 2..<a.count { c.reply.integer(found?.contains(a[index]) == true ? 1 : 0) }
    }

    static func scard(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.count ?? 0)
    }

    static func spop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 3 else { return e.fail(c, "ERR syntax error") }
        var count: Int64?
        if a.count == 3 {
            guard let value = a.integer(2), value >= 0 else { return e.fail(c, "ERR value is out of range, must be positive") }
            count = value
        }
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let set = found else { return count == nil ? c.reply.null() : c.reply.set(0) }
        if let count {
            if count == 0 { return c.reply.set(0) }
            let taken = min(Int(count), set.count)
            let all = taken == set.count
            c.reply.set(taken)
            for _ in 0..<taken {
                let member = set.member(at: Int.random(in: 0..<set.count, using: &e.random))
                set.remove(member)
                c.reply.bulk(member)
                // The picks are random: they go out as what they removed, one SREM each.
                if !all { e.alsoPropagate(c.db, [Words.srem, key, member]) }
            }
            if all { e.propagate(as: [Words.del, key]) } else { e.preventPropagation() }
        } else {
            let member = set.member(at: Int.random(in: 0..<set.count, using: &e.random))
            set.remove(member)
            c.reply.bulk(member)
            e.propagate(as: [Words.srem, key, member])
        }
        e.notify(.sets, "spop", key, db: c.db)
        if set.count == 0 {
            e.databases[c.db].remove(key)
            e.notify(.generic, "del", key, db: c.db)
        }
        e.modified(c.db, key)
    }

    static func srandmember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 3 else { return e.fail(c, "ERR syntax error") }
        guard let found = read(e, c, a[1]) else { return }
        if a.count == 3 {
            guard let count = e.signedCountArgument(c, a, 2) else { return }
            guard let set = found, count != 0 else { return c.reply.emptyArray() }
            let members = set.members
            let picked = count < 0
                ? (0..<Int(-count)).map { _ in members[Int.random(in: 0..<members.count, using: &e.random)] }
                : Array(members.shuffled(using: &e.random).prefix(Int(count)))
            c.reply.array(picked.count)
            for member in picked { c.reply.bulk(member) }
            return
        }
        guard let set = found else { return c.reply.null() }
        c.reply.bulk(set.member(at: Int.random(in: 0..<set.count, using: &e.random)))
    }

    static func smove(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let source = a[1], destination = a[2], member = a[3]
        guard let sourceFound = read(e, c, source, write: true) else { return }
        guard let destinationFound = read(e, c, destination, write: true) else { return }
        guard let sourceSet = sourceFound else { return c.reply.integer(0) }
        if source == destination { return c.reply.integer(sourceSet.contains(member) ? 1 : 0) }
        guard sourceSet.remove(member) else { return c.reply.integer(0) }
        e.notify(.sets, "srem", source, db: c.db)
        if sourceSet.count == 0 {
            e.databases[c.db].remove(source)
            e.notify(.generic, "del", source, db: c.db)
        }
        e.modified(c.db, source)
        let target: SetValue
        if let existing = destinationFound { target = existing } else {
            target = SetValue()
            e.add(c, destination, .set(target))
            e.dirty -= 1  // dbAdd counts no change of its own: only the member added below does.
        }
        // A member the destination already has changes only the source.
        if target.add(member, limits: e.encodingLimits, seed: e.hashSeed) {
            e.modified(c.db, destination)
            e.notify(.sets, "sadd", destination, db: c.db)
        }
        c.reply.integer(1)
    }

    enum Operation { case inter, union, diff }

    /// The sets at `keys` combined; nil after a WRONGTYPE reply.
    static func combine(_ e: NodeEngine, _ c: ClientSession, _ keys: [[UInt8]], _ operation: Operation) -> [[UInt8]]? {
        var sets: [SetValue?] = []
        for key in keys {
            guard let found = read(e, c, key) else { return nil }
            sets.append(found)
        }
        switch operation {
        case .inter:
            guard sets.allSatisfy({ $0 != nil }) else { return [] }
            let ordered = sets.compactMap { $0 }.sorted { $0.count < $1.count }
            return ordered[0].members.filter { member in ordered.dropFirst().allSatisfy { $0.contains(member) } }
        case .union:
            var seen: Set<[UInt8]> = []
            var result: [[UInt8]] = []
            for set in sets.compactMap({ $0 }) {
                for member in set.members where seen.insert(member).inserted { result.append(member) }
            }
            return result
        case .diff:
            guard let first = sets[0] else { return [] }
            let others = sets.dropFirst().compactMap { $0 }
            return first.members.filter { member in !others.contains { $0.contains(member) } }
        }
    }

    static func sinter(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { reply(e, c, a, .inter) }
    static func sunion(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { reply(e, c, a, .union) }
    static func sdiff(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { reply(e, c, a, .diff) }

    static func reply(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ operation: Operation) {
        guard let members = combine(e, c, a.tail(from: 1), operation) else { return }
        c.reply.set(members.count)
        c.reply.bulks(members)
    }

    static func sinterstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { store(e, c, a, .inter) }
    static func sunionstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { store(e, c, a, .union) }
    static func sdiffstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { store(e, c, a, .diff) }

    static func store(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ operation: Operation) {
        guard let members = combine(e, c, a.tail(from: 2), operation) else { return }
        let destination = a[1]
        if members.isEmpty {
            if e.delete(c.db, destination) { e.notify(.generic, "del", destination, db: c.db) }
        } else {
            let set = SetValue()
            for member in members { set.add(member, limits: e.encodingLimits, seed: e.hashSeed) }
            e.store(c, destination, .set(set))
            let events: [Operation: StaticString] = [.inter: "sinterstore", .union: "sunionstore", .diff: "sdiffstore"]
            e.notify(.sets, events[operation]!, destination, db: c.db)
        }
        c.reply.integer(members.count)
    }

    static func sintercard(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let numkeys = e.integerArgument(c, a, 1, in: 1...Int64.max, message: "numkeys should be greater than 0") else { return }
        guard numkeys <= Int64(a.count - 2) else { return e.fail(c, "ERR Number of keys can't be greater than number of args") }
        var limit: Int64 = 0
        var index = 2 + Int(numkeys)
        while index < a.count {
            if a.isWord(index, "limit") && index + 1 < a.count {
                guard let value = e.nonNegativeArgument(c, a, index + 1, message: "LIMIT can't be negative") else { return }
                limit = value
                index += 2
            } else {
                return e.fail(c, "ERR syntax error")
            }
        }
        guard let members = combine(e, c, (2..<(2 + Int(numkeys))).map { a[$0] }, .inter) else { return }
        c.reply.integer(limit == 0 ? members.count : min(members.count, Int(limit)))
    }

    static func sscan(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cursor = Scan.cursor(a, 2) else { return e.fail(c, "ERR invalid cursor") }
        guard let options = Scan.options(e, c, a, from: 3, allowType: false) else { return }
        guard let found = read(e, c, a[1]) else { return }
        var members: [[UInt8]] = []
        var next: UInt64 = 0
        if let set = found {
            switch set.storage {
            case .intset: members = set.members
            case .table(let table):
                next = Scan.walk(cursor: cursor, count: options.count) { cursor in
                    table.scan(cursor: cursor) { members.append(table.key(at: $0)) }
                } isFull: { members.count >= options.count }
            }
        }
        if let pattern = options.pattern { members = members.filter { GlobPattern.matches(pattern, $0) } }
        c.reply.array(2)
        c.reply.bulk(String(next))
        c.reply.array(members.count)
        for member in members { c.reply.bulk(member) }
    }
}
