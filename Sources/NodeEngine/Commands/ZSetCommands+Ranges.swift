/// ZRANGE and its older forms, ZRANGESTORE and ZREMRANGEBY*: ranges by rank,
/// score and lex, with LIMIT and REV.
extension ZSetCommands {
    enum RangeType { case auto, rank, score, lex }

    /// zrangeGenericCommand: the source at `start`, then min, max and options.
    static func rangeGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, start: Int, store: Bool,
                             type fixedType: RangeType, reverse fixedReverse: Bool?) {
        var type = fixedType
        var reverse = fixedReverse ?? false
        var withScores = false
        var offset: Int64 = 0
        var limit: Int64 = -1
        var index = start + 3
        while index < a.count {
            let left = a.count - index - 1
            if !store && a.isWord(index, "withscores") {
                withScores = true
            } else if a.isWord(index, "limit") && left >= 2 {
                guard let o = a.integer(index + 1), let l = a.integer(index + 2) else {
                    return e.fail(c, "ERR value is not an integer or out of range")
                }
                offset = o
                limit = l
                index += 2
            } else if fixedReverse == nil && a.isWord(index, "rev") {
                reverse = true
            } else if fixedType == .auto && a.isWord(index, "bylex") {
                type = .lex
            } else if fixedType == .auto && a.isWord(index, "byscore") {
                type = .score
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        if type == .auto { type = .rank }
        if limit != -1 && type == .rank {
            return e.fail(c, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
        }
        if withScores && type == .lex { return e.fail(c, "ERR syntax error, WITHSCORES not supported in combination with BYLEX") }
        var minArgument = a[start + 1], maxArgument = a[start + 2]
        if reverse && type != .rank { swap(&minArgument, &maxArgument) }

        var picked: [ZSetValue.Entry] = []
        let key = a[start]
        switch type {
        case .rank, .auto:
            guard let first = a.integer(start + 1), let last = a.integer(start + 2) else {
                return e.fail(c, "ERR value is not an integer or out of range")
            }
            guard let found = read(e, c, key) else { return }
            if let zset = found, let span = ListCommands.range(first, last, count: zset.count) {
                let ascending = reverse ? (zset.count - 1 - span.upperBound)...(zset.count - 1 - span.lowerBound) : span
                picked = zset.entries(ascending.lowerBound..<(ascending.upperBound + 1))
                if reverse { picked.reverse() }
            }
        case .score:
            guard let range = scoreRange(minArgument, maxArgument) else { return e.fail(c, "ERR min or max is not a float") }
            guard let found = read(e, c, key) else { return }
            if let zset = found { picked = window(zset, ranks(zset, range), reverse: reverse, offset: offset, limit: limit) }
        case .lex:
            guard let min = lexBound(minArgument), let max = lexBound(maxArgument) else {
                return e.fail(c, "ERR min or max not valid string range item")
            }
            guard let found = read(e, c, key) else { return }
            if let zset = found { picked = window(zset, ranks(zset, LexRange(min: min, max: max)), reverse: reverse, offset: offset, limit: limit) }
        }
        if store {
            storeResult(e, c, destination: a[1], picked, event: "zrangestore")
        } else {
            writeEntries(c, picked, withScores: withScores)
        }
    }

    /// LIMIT offset count applied to the ranks of a score or lex range.
    static func window(_ zset: ZSetValue, _ ranks: Range<Int>, reverse: Bool, offset: Int64, limit: Int64) -> [ZSetValue.Entry] {
        guard offset >= 0, offset < Int64(ranks.count) else { return [] }
        let available = ranks.count - Int(offset)
        let taken = limit < 0 ? available : min(available, Int(min(limit, Int64(Int32.max))))
        if reverse {
            let upper = ranks.upperBound - Int(offset)
            return zset.entries((upper - taken)..<upper).reversed()
        }
        let lower = ranks.lowerBound + Int(offset)
        return zset.entries(lower..<(lower + taken))
    }

    /// ZRANGESTORE, ZUNIONSTORE & co: the result replaces the destination
    /// (an empty result deletes it); the reply is its size.
    static func storeResult(_ e: NodeEngine, _ c: ClientSession, destination: [UInt8], _ entries: [ZSetValue.Entry], event: StaticString) {
        if entries.isEmpty {
            if e.delete(c.db, destination) { e.notify(.generic, "del", destination, db: c.db) }
        } else {
            let zset = ZSetValue()
            for entry in entries { zset.set(entry.member, entry.score, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random) }
            e.store(c, destination, .zset(zset))
            e.notify(.zsets, event, destination, db: c.db)
        }
        c.reply.integer(entries.count)
    }

    static func zrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .auto, reverse: nil) }
    static func zrangestore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 2, store: true, type: .auto, reverse: nil) }
    static func zrevrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .rank, reverse: true) }
    static func zrangebyscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .score, reverse: false) }
    static func zrevrangebyscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .score, reverse: true) }
    static func zrangebylex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .lex, reverse: false) }
    static func zrevrangebylex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rangeGeneric(e, c, a, start: 1, store: false, type: .lex, reverse: true) }

    static func zremrangebyrank(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let first = a.integer(2), let last = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
        removeRange(e, c, a[1], event: "zremrangebyrank") { zset in ListCommands.range(first, last, count: zset.count).map { $0.lowerBound..<($0.upperBound + 1) } ?? 0..<0 }
    }

    static func zremrangebyscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let range = scoreRange(a[2], a[3]) else { return e.fail(c, "ERR min or max is not a float") }
        removeRange(e, c, a[1], event: "zremrangebyscore") { ranks($0, range) }
    }

    static func zremrangebylex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let min = lexBound(a[2]), let max = lexBound(a[3]) else { return e.fail(c, "ERR min or max not valid string range item") }
        removeRange(e, c, a[1], event: "zremrangebylex") { ranks($0, LexRange(min: min, max: max)) }
    }

    static func removeRange(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], event: StaticString, _ span: (ZSetValue) -> Range<Int>) {
        guard let found = read(e, c, key, write: true) else { return }
        guard let zset = found else { return c.reply.integer(0) }
        let doomed = zset.entries(span(zset))
        for entry in doomed { zset.remove(entry.member) }
        if !doomed.isEmpty {
            e.notify(.zsets, event, key, db: c.db)
            if zset.count == 0 {
                e.databases[c.db].remove(key)
                e.notify(.generic, "del", key, db: c.db)
            }
            e.modified(c.db, key, changes: Int64(doomed.count))
        }
        c.reply.integer(doomed.count)
    }

}
