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
        bytes.withUnsafeBytes { double($0) }
    }

    static func double(_ bytes: UnsafeRawBufferPointer) -> Double? {
        guard let first = bytes.first, !(first == 32 || (first >= 9 && first <= 13)) else { return nil }
        guard let (value, consumed) = strtodPrefix(bytes), consumed == bytes.count, !value.isNaN else { return nil }
        return value
    }

    static func strtodPrefix(_ bytes: [UInt8]) -> (Double, Int)? {
        bytes.withUnsafeBytes { strtodPrefix($0) }
    }

    /// strtod needs a terminated string: short inputs (every real score) are
    /// terminated in a stack buffer, longer ones in a heap copy.
    static func strtodPrefix(_ bytes: UnsafeRawBufferPointer) -> (Double, Int)? {
        func parse(_ text: UnsafePointer<CChar>) -> (Double, Int)? {
            var end: UnsafeMutablePointer<CChar>?
            errno = 0
            let value = strtod(text, &end)
            if errno == ERANGE && (value.isInfinite || value == 0) { return nil }
            return (value, end! - UnsafeMutablePointer(mutating: text))
        }
        var stack: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        if bytes.count < MemoryLayout.size(ofValue: stack) {
            return withUnsafeMutableBytes(of: &stack) { buffer in
                if let base = bytes.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
                return parse(buffer.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
        }
        var text = bytes.map { CChar(bitPattern: $0) }
        text.append(0)
        return text.withUnsafeBufferPointer { parse($0.baseAddress!) }
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
        e.typed(c, write ? e.lookup(c, key) : e.read(c, key), \.asZSet)
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
        for position in stride(from: index, to: a.count, by: 2) where a.withBytes(position, double) == nil {
            return e.fail(c, "ERR value is not a valid float")
        }
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asZSet) else { return }
        var added = 0, updated = 0, processed = 0
        var lastScore = 0.0
        if let zset = found ?? (xx ? nil : {
            let created = ZSetValue()
            e.add(c, a, 1, .zset(created))
            return created
        }()) {
            for position in stride(from: index, to: a.count, by: 2) {
                let score = a.withBytes(position, double)!
                var newScore = score
                if let current = a.withBytes(position + 1, zset.score) {
                    if nx { continue }
                    if incr {
                        newScore = current + score
                        if newScore.isNaN { return e.fail(c, "ERR resulting score is not a number (NaN)") }
                    }
                    if (lt && newScore >= current) || (gt && newScore <= current) { continue }
                    lastScore = newScore
                    processed += 1
                    if newScore != current {
                        zset.set(a[position + 1], newScore, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random)
                        updated += 1
                    }
                } else {
                    if xx { continue }
                    zset.set(a[position + 1], newScore, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random)
                    lastScore = newScore
                    added += 1
                    processed += 1
                }
            }
            if zset.count == 0 { e.databases[c.db].remove(a[1]) }
        }
        if added + updated > 0 {
            e.modified(c.db, a, 1, changes: Int64(added + updated))
            e.notify(.zsets, incr ? "zincr" : "zadd", a, 1, db: c.db)
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
        c.reply.integer(e.removeMembers(c, a, key: key, event: (.zsets, "zrem"), remove: { zset.remove($0) }, remaining: { zset.count }))
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
}
