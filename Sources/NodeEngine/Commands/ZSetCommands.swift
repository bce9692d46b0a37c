#if canImport(Glibc)
import Glibc
#endif

/// The sorted set commands of t_zset.c.
enum ZSetCommands {
    static let all: [(String, CommandHandler)] = [
        ("zadd", zadd), ("zincrby", zincrby), ("zrem", zrem), ("zscore", zscore), ("zmscore", zmscore), ("zcard", zcard),
        ("zcount", zcount), ("zlexcount", zlexcount), ("zrank", zrank), ("zrevrank", zrevrank),
        ("zrange", zrange), ("zrangestore", zrangestore), ("zrevrange", zrevrange), ("zrangebyscore", zrangebyscore),
        ("zrevrangebyscore", zrevrangebyscore), ("zrangebylex", zrangebylex), ("zrevrangebylex", zrevrangebylex),
        ("zremrangebyrank", zremrangebyrank), ("zremrangebyscore", zremrangebyscore), ("zremrangebylex", zremrangebylex),
        ("zpopmin", zpopmin), ("zpopmax", zpopmax), ("zmpop", zmpop), ("bzpopmin", bzpopmin), ("bzpopmax", bzpopmax),
        ("bzmpop", bzmpop), ("zrandmember", zrandmember), ("zunion", zunion), ("zinter", zinter), ("zdiff", zdiff),
        ("zunionstore", zunionstore), ("zinterstore", zinterstore), ("zdiffstore", zdiffstore), ("zintercard", zintercard),
        ("zscan", zscan),
    ]

    // MARK: Parsing

    /// string2d: a whole-string strtod, no leading space, no NaN.
    static func double(_ bytes: [UInt8]) -> Double? {
        guard let first = bytes.first, !(first == 32 || (first >= 9 && first <= 13)) else { return nil }
        guard let (value, consumed) = strtodPrefix(bytes), consumed == bytes.count, !value.isNaN else { return nil }
        return value
    }

    static func strtodPrefix(_ bytes: [UInt8]) -> (Double, Int)? {
        var text = bytes.map { CChar(bitPattern: $0) }
        text.append(0)
        return text.withUnsafeBufferPointer { buffer in
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtod(buffer.baseAddress!, &end)
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            return (value, end! - UnsafeMutablePointer(mutating: buffer.baseAddress!))
        }
    }

    struct ScoreRange {
        var min: Double, max: Double, minExclusive: Bool, maxExclusive: Bool
        func accepts(_ score: Double) -> Bool {
            (minExclusive ? score > min : score >= min) && (maxExclusive ? score < max : score <= max)
        }
        var isEmpty: Bool { min > max || (min == max && (minExclusive || maxExclusive)) }
    }

    static func scoreBound(_ bytes: [UInt8]) -> (Double, Bool)? {
        let exclusive = bytes.first == UInt8(ascii: "(")
        let text = exclusive ? Array(bytes.dropFirst()) : bytes
        guard let (value, consumed) = strtodPrefix(text), consumed == text.count, !value.isNaN else { return nil }
        return (value, exclusive)
    }

    static func scoreRange(_ min: [UInt8], _ max: [UInt8]) -> ScoreRange? {
        guard let low = scoreBound(min), let high = scoreBound(max) else { return nil }
        return ScoreRange(min: low.0, max: high.0, minExclusive: low.1, maxExclusive: high.1)
    }

    enum LexBound {
        case minimum, maximum
        case inclusive([UInt8]), exclusive([UInt8])
    }

    static func lexBound(_ bytes: [UInt8]) -> LexBound? {
        switch bytes.first {
        case UInt8(ascii: "+"): return bytes.count == 1 ? .maximum : nil
        case UInt8(ascii: "-"): return bytes.count == 1 ? .minimum : nil
        case UInt8(ascii: "("): return .exclusive(Array(bytes.dropFirst()))
        case UInt8(ascii: "["): return .inclusive(Array(bytes.dropFirst()))
        default: return nil
        }
    }

    struct LexRange {
        let min: LexBound, max: LexBound
        func aboveMin(_ member: [UInt8]) -> Bool {
            switch min {
            case .minimum: true
            case .maximum: false
            case .inclusive(let value): !member.lexicographicallyPrecedes(value)
            case .exclusive(let value): value.lexicographicallyPrecedes(member)
            }
        }
        func belowMax(_ member: [UInt8]) -> Bool {
            switch max {
            case .minimum: false
            case .maximum: true
            case .inclusive(let value): !value.lexicographicallyPrecedes(member)
            case .exclusive(let value): member.lexicographicallyPrecedes(value)
            }
        }
    }

    // MARK: Lookups

    static func read(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], write: Bool = false) -> ZSetValue?? {
        guard let value = write ? e.lookup(c, key) : e.read(c, key) else { return .some(nil) }
        guard case .zset(let zset) = value else {
            e.wrongType(c)
            return .none
        }
        return .some(zset)
    }

    /// Ranks (0-based, ascending) of the members within a score range.
    static func ranks(_ zset: ZSetValue, _ range: ScoreRange) -> Range<Int> {
        let start = zset.countBefore { score, _ in range.minExclusive ? score > range.min : score >= range.min }
        let end = zset.countBefore { score, _ in range.maxExclusive ? score >= range.max : score > range.max }
        return start..<max(start, end)
    }

    static func ranks(_ zset: ZSetValue, _ range: LexRange) -> Range<Int> {
        let start = zset.countBefore { _, member in range.aboveMin(member) }
        let end = zset.countBefore { _, member in !range.belowMax(member) }
        return start..<max(start, end)
    }

    static func writeEntries(_ c: ClientSession, _ entries: [ZSetValue.Entry], withScores: Bool) {
        if withScores && c.reply.protocolVersion == 3 {
            c.reply.array(entries.count)
            for entry in entries {
                c.reply.array(2)
                c.reply.bulk(entry.member)
                c.reply.double(entry.score)
            }
        } else {
            c.reply.array(withScores ? entries.count * 2 : entries.count)
            for entry in entries {
                c.reply.bulk(entry.member)
                if withScores { c.reply.double(entry.score) }
            }
        }
    }

    // MARK: ZADD and single members

    static func zadd(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { addGeneric(e, c, a, incrementOnly: false) }

    static func zincrby(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { addGeneric(e, c, a, incrementOnly: true) }

    static func addGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, incrementOnly: Bool) {
        var nx = false, xx = false, ch = false, incr = incrementOnly, gt = false, lt = false
        var index = 2
        while !incrementOnly && index < a.count {
            if a.isWord(index, "nx") { nx = true } else if a.isWord(index, "xx") { xx = true }
            else if a.isWord(index, "ch") { ch = true } else if a.isWord(index, "incr") { incr = true }
            else if a.isWord(index, "gt") { gt = true } else if a.isWord(index, "lt") { lt = true }
            else { break }
            index += 1
        }
        let elements = a.count - index
        guard elements > 0, elements % 2 == 0 else { return e.fail(c, "ERR syntax error") }
        if nx && xx { return e.fail(c, "ERR XX and NX options at the same time are not compatible") }
        if (gt && nx) || (lt && nx) || (gt && lt) { return e.fail(c, "ERR GT, LT, and/or NX options at the same time are not compatible") }
        if incr && elements > 2 { return e.fail(c, "ERR INCR option supports a single increment-element pair") }
        var pairs: [(Double, [UInt8])] = []
        for position in stride(from: index, to: a.count, by: 2) {
            guard let score = double(a[position]) else { return e.fail(c, "ERR value is not a valid float") }
            pairs.append((score, a[position + 1]))
        }
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        var added = 0, updated = 0, processed = 0
        var lastScore = 0.0
        if let zset = found ?? (xx ? nil : {
            let created = ZSetValue()
            e.add(c, key, .zset(created))
            return created
        }()) {
            for (score, member) in pairs {
                var newScore = score
                if let current = zset.score(member) {
                    if nx { continue }
                    if incr {
                        newScore = current + score
                        if newScore.isNaN { return e.fail(c, "ERR resulting score is not a number (NaN)") }
                    }
                    if (lt && newScore >= current) || (gt && newScore <= current) { continue }
                    lastScore = newScore
                    processed += 1
                    if newScore != current {
                        zset.set(member, newScore, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random)
                        updated += 1
                    }
                } else {
                    if xx { continue }
                    zset.set(member, newScore, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random)
                    lastScore = newScore
                    added += 1
                    processed += 1
                }
            }
            if zset.count == 0 { e.databases[c.db].remove(key) }
        }
        if added + updated > 0 {
            e.modified(c.db, key, changes: Int64(added + updated))
            e.signalReady(c.db, key)
        }
        if incr {
            if processed > 0 { c.reply.double(lastScore) } else { c.reply.null() }
        } else {
            c.reply.integer(ch ? added + updated : added)
        }
    }

    static func zrem(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let zset = found else { return c.reply.integer(0) }
        c.reply.integer(e.removeMembers(c, a, key: key, remove: { zset.remove($0) }, remaining: { zset.count }))
    }

    static func zscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        if let score = found?.score(a[2]) { c.reply.double(score) } else { c.reply.null() }
    }

    static func zmscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            if let score = found?.score(a[index]) { c.reply.double(score) } else { c.reply.null() }
        }
    }

    static func zcard(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.count ?? 0)
    }

    static func zcount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let range = scoreRange(a[2], a[3]) else { return e.fail(c, "ERR min or max is not a float") }
        guard let found = read(e, c, a[1]) else { return }
        guard let zset = found else { return c.reply.integer(0) }
        c.reply.integer(ranks(zset, range).count)
    }

    static func zlexcount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let min = lexBound(a[2]), let max = lexBound(a[3]) else { return e.fail(c, "ERR min or max not valid string range item") }
        guard let found = read(e, c, a[1]) else { return }
        guard let zset = found else { return c.reply.integer(0) }
        c.reply.integer(ranks(zset, LexRange(min: min, max: max)).count)
    }

    static func zrank(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rankGeneric(e, c, a, reverse: false) }
    static func zrevrank(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { rankGeneric(e, c, a, reverse: true) }

    static func rankGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, reverse: Bool) {
        guard let found = read(e, c, a[1]) else { return }
        guard let zset = found, let rank = zset.rank(a[2]) else { return c.reply.null() }
        c.reply.integer(reverse ? zset.count - 1 - rank : rank)
    }

    // MARK: Ranges

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
            storeResult(e, c, destination: a[1], picked)
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
    static func storeResult(_ e: NodeEngine, _ c: ClientSession, destination: [UInt8], _ entries: [ZSetValue.Entry]) {
        if entries.isEmpty {
            e.delete(c.db, destination)
        } else {
            let zset = ZSetValue()
            for entry in entries { zset.set(entry.member, entry.score, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random) }
            e.store(c, destination, .zset(zset))
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
        removeRange(e, c, a[1]) { zset in ListCommands.range(first, last, count: zset.count).map { $0.lowerBound..<($0.upperBound + 1) } ?? 0..<0 }
    }

    static func zremrangebyscore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let range = scoreRange(a[2], a[3]) else { return e.fail(c, "ERR min or max is not a float") }
        removeRange(e, c, a[1]) { ranks($0, range) }
    }

    static func zremrangebylex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let min = lexBound(a[2]), let max = lexBound(a[3]) else { return e.fail(c, "ERR min or max not valid string range item") }
        removeRange(e, c, a[1]) { ranks($0, LexRange(min: min, max: max)) }
    }

    static func removeRange(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], _ span: (ZSetValue) -> Range<Int>) {
        guard let found = read(e, c, key, write: true) else { return }
        guard let zset = found else { return c.reply.integer(0) }
        let doomed = zset.entries(span(zset))
        for entry in doomed { zset.remove(entry.member) }
        if !doomed.isEmpty {
            if zset.count == 0 { e.databases[c.db].remove(key) }
            e.modified(c.db, key)
        }
        c.reply.integer(doomed.count)
    }

    // MARK: Pops

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

    /// genericZpopCommand.
    static func pop(_ e: NodeEngine, _ c: ClientSession, keys: [[UInt8]], min: Bool, count: Int, emitKey: Bool, nested: Bool,
                    nullWhenEmpty: Bool) {
        var chosen: (key: [UInt8], zset: ZSetValue)?
        for key in keys {
            guard let found = read(e, c, key, write: true) else { return }
            if let zset = found {
                chosen = (key, zset)
                break
            }
        }
        guard let (key, zset) = chosen else { return nullWhenEmpty ? c.reply.nullArray() : c.reply.emptyArray() }
        if count == 0 { return c.reply.emptyArray() }
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
        if zset.count == 0 { e.databases[c.db].remove(key) }
        e.modified(c.db, key)
    }

    static func side(_ a: Arguments, _ index: Int) -> Bool? {
        if a.isWord(index, "min") { return true }
        if a.isWord(index, "max") { return false }
        return nil
    }

    static func zmpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let parsed = MultiPop.parse(e, c, a, numkeysIndex: 1, sides: { side(a, $0) }) else { return }
        pop(e, c, keys: parsed.keys, min: parsed.head, count: parsed.count, emitKey: true, nested: true, nullWhenEmpty: true)
    }

    static func bzpopmin(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { blockingPop(e, c, a, min: true) }
    static func bzpopmax(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { blockingPop(e, c, a, min: false) }

    static func blockingPop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, min: Bool) {
        guard let deadline = BlockingCommands.deadline(e, c, a, a.count - 1) else { return }
        let keys = (1..<(a.count - 1)).map { a[$0] }
        for key in keys {
            guard let found = read(e, c, key, write: true) else { return }
            if found != nil {
                return pop(e, c, keys: [key], min: min, count: -1, emitKey: true, nested: false, nullWhenEmpty: true)
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
                return pop(e, c, keys: [key], min: parsed.head, count: parsed.count, emitKey: true, nested: true, nullWhenEmpty: true)
            }
        }
        e.block(c, keys: parsed.keys, deadline: deadline, arguments: a)
    }

    // MARK: Random, algebra, scan

    static func zrandmember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count >= 3 {
            guard let count = a.integer(2), count > -Int64.max else { return e.fail(c, "ERR value is not an integer or out of range") }
            let withScores = a.count == 4
            if a.count > 4 || (withScores && !a.isWord(3, "withscores")) { return e.fail(c, "ERR syntax error") }
            if withScores && (count < -Int64.max / 2 || count > Int64.max / 2) { return e.fail(c, "ERR value is out of range") }
            guard let found = read(e, c, a[1]) else { return }
            guard let zset = found, count != 0 else { return c.reply.emptyArray() }
            let all = zset.allEntries
            let picked = count < 0
                ? (0..<Int(-count)).map { _ in all[Int.random(in: 0..<all.count, using: &e.random)] }
                : Array(all.shuffled(using: &e.random).prefix(Int(count)))
            writeEntries(c, picked, withScores: withScores)
            return
        }
        guard let found = read(e, c, a[1]) else { return }
        guard let zset = found else { return c.reply.null() }
        c.reply.bulk(zset.entries(Int.random(in: 0..<zset.count, using: &e.random)..<(zset.count)).first!.member)
    }

    enum Operation { case union, inter, diff }

    /// zunionInterDiffGenericCommand.
    static func algebra(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, numkeysIndex: Int, operation: Operation,
                        store: Bool, cardinalityOnly: Bool = false) {
        guard let numkeys = a.integer(numkeysIndex) else { return e.fail(c, "ERR value is not an integer or out of range") }
        let name = a.lowercased(0)
        guard numkeys >= 1 else {
            return e.fail(c, cardinalityOnly ? "ERR numkeys should be greater than 0" : "ERR at least 1 input key is needed for '\(name)' command")
        }
        guard numkeys <= Int64(a.count - numkeysIndex - 1) else {
            return e.fail(c, cardinalityOnly ? "ERR Number of keys can't be greater than number of args" : "ERR syntax error")
        }
        let keys = ((numkeysIndex + 1)...(numkeysIndex + Int(numkeys))).map { a[$0] }
        var sources: [[(member: [UInt8], score: Double)]?] = []
        for key in keys {
            guard let value = store ? e.lookup(c, key) : e.read(c, key) else { sources.append(nil); continue }
            switch value {
            case .zset(let zset): sources.append(zset.allEntries.map { ($0.member, $0.score) })
            case .set(let set): sources.append(set.members.map { ($0, 1.0) })
            default: return e.wrongType(c)
            }
        }
        var weights = [Double](repeating: 1, count: keys.count)
        var aggregate = "sum"
        var withScores = false
        var limit: Int64 = 0
        var index = numkeysIndex + Int(numkeys) + 1
        while index < a.count {
            let left = a.count - index - 1
            if cardinalityOnly {
                if a.isWord(index, "limit") && left >= 1 {
                    guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                    guard value >= 0 else { return e.fail(c, "ERR LIMIT can't be negative") }
                    limit = value
                    index += 2
                    continue
                }
                return e.fail(c, "ERR syntax error")
            }
            if operation != .diff && a.isWord(index, "weights") && left >= keys.count {
                for offset in 0..<keys.count {
                    guard let weight = double(a[index + 1 + offset]) else { return e.fail(c, "ERR weight value is not a float") }
                    weights[offset] = weight
                }
                index += keys.count + 1
            } else if operation != .diff && a.isWord(index, "aggregate") && left >= 1 {
                let mode = a.lowercased(index + 1)
                guard ["sum", "min", "max"].contains(mode) else { return e.fail(c, "ERR syntax error") }
                aggregate = mode
                index += 2
            } else if !store && a.isWord(index, "withscores") {
                withScores = true
                index += 1
            } else {
                return e.fail(c, "ERR syntax error")
            }
        }
        func combine(_ x: Double, _ y: Double) -> Double {
            switch aggregate {
            case "min": Swift.min(x, y)
            case "max": Swift.max(x, y)
            default: { let sum = x + y; return sum.isNaN ? 0 : sum }()
            }
        }
        func weighted(_ score: Double, _ weight: Double) -> Double { let value = score * weight; return value.isNaN ? 0 : value }
        var result: [[UInt8]: Double] = [:]
        var order: [[UInt8]] = []
        switch operation {
        case .union:
            for (offset, source) in sources.enumerated() {
                for (member, score) in source ?? [] {
                    let value = weighted(score, weights[offset])
                    if let existing = result[member] { result[member] = combine(existing, value) } else {
                        result[member] = value
                        order.append(member)
                    }
                }
            }
        case .inter:
            if sources.allSatisfy({ $0 != nil }) {
                let lookups = sources.map { Dictionary($0!.map { ($0.member, $0.score) }, uniquingKeysWith: { a, _ in a }) }
                let smallest = sources.indices.min { sources[$0]!.count < sources[$1]!.count }!
                for (member, _) in sources[smallest]! {
                    var total: Double?
                    for (offset, lookup) in lookups.enumerated() {
                        guard let score = lookup[member] else { total = nil; break }
                        let value = weighted(score, weights[offset])
                        total = total.map { combine($0, value) } ?? value
                        if total == nil { break }
                    }
                    if let total, lookups.allSatisfy({ $0[member] != nil }) {
                        result[member] = total
                        order.append(member)
                        if cardinalityOnly && limit > 0 && order.count >= limit { break }
                    }
                }
            }
        case .diff:
            if let first = sources[0] {
                let others = sources.dropFirst().compactMap { $0 }.map { Set($0.map(\.member)) }
                for (member, score) in first where !others.contains(where: { $0.contains(member) }) {
                    result[member] = score
                    order.append(member)
                }
            }
        }
        if cardinalityOnly { return c.reply.integer(order.count) }
        let entries = order.map { ZSetValue.Entry(member: $0, score: result[$0]!) }
            .sorted { ZSkipList.precedes($0.score, $0.member, $1.score, $1.member) }
        if store {
            storeResult(e, c, destination: a[1], entries)
        } else {
            writeEntries(c, entries, withScores: withScores)
        }
    }

    static func zunion(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 1, operation: .union, store: false) }
    static func zinter(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 1, operation: .inter, store: false) }
    static func zdiff(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 1, operation: .diff, store: false) }
    static func zunionstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 2, operation: .union, store: true) }
    static func zinterstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 2, operation: .inter, store: true) }
    static func zdiffstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { algebra(e, c, a, numkeysIndex: 2, operation: .diff, store: true) }
    static func zintercard(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        algebra(e, c, a, numkeysIndex: 1, operation: .inter, store: false, cardinalityOnly: true)
    }

    static func zscan(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cursor = Scan.cursor(a, 2) else { return e.fail(c, "ERR invalid cursor") }
        guard let options = Scan.options(e, c, a, from: 3, allowType: false) else { return }
        guard let found = read(e, c, a[1]) else { return }
        var entries: [ZSetValue.Entry] = []
        var next: UInt64 = 0
        if let zset = found {
            switch zset.storage {
            case .listpack(let all): entries = all
            case .skiplist(_, let table):
                next = Scan.walk(cursor: cursor, count: options.count) { cursor in
                    table.scan(cursor: cursor) { entries.append(ZSetValue.Entry(member: table.key(at: $0), score: table.values[$0])) }
                } isFull: { entries.count >= options.count }
            }
        }
        if let pattern = options.pattern { entries = entries.filter { GlobPattern.matches(pattern, $0.member) } }
        c.reply.array(2)
        c.reply.bulk(String(next))
        c.reply.array(entries.count * 2)
        for entry in entries {
            c.reply.bulk(entry.member)
            c.reply.bulk(d2string(entry.score))
        }
    }

    /// util.c d2string: integers print as integers, others as %.17g.
    static func d2string(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        if value > -4_503_599_627_370_495 && value < 4_503_599_627_370_496 && value == value.rounded(.towardZero) {
            return String(Int64(value))
        }
        return ReplyBuffer.format17g(value)
    }
}
