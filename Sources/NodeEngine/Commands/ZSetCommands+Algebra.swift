#if canImport(Glibc)
import Glibc
#endif

/// ZRANDMEMBER, ZUNION/ZINTER/ZDIFF (and STORE), ZINTERCARD and ZSCAN.
extension ZSetCommands {
    static func zrandmember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count >= 3 {
            guard let count = e.signedCountArgument(c, a, 2) else { return }
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
        guard numkeys >= 1 else { return e.fail(c, "ERR at least 1 input key is needed for '\(name)' command") }
        guard numkeys <= Int64(a.count - numkeysIndex - 1) else { return e.fail(c, "ERR syntax error") }
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
                    guard let value = e.nonNegativeArgument(c, a, index + 1, message: "LIMIT can't be negative") else { return }
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
            let events: [Operation: StaticString] = [.union: "zunionstore", .inter: "zinterstore", .diff: "zdiffstore"]
            storeResult(e, c, destination: a[1], entries, event: events[operation]!)
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
