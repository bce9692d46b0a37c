#if canImport(Glibc)
import Glibc
#endif

/// SORT and SORT_RO (sort.c): numeric or ALPHA, BY a pattern (`*` is the
/// element, `->field` reads a hash), LIMIT, GET patterns (`#` is the element),
/// ASC/DESC, and for SORT a STORE into a list.
enum SortCommand {
    static let all: [(String, CommandHandler)] = [("sort", sort), ("sort_ro", sortReadOnly)]

    static func sort(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { sortGeneric(e, c, a, readOnly: false) }
    static func sortReadOnly(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { sortGeneric(e, c, a, readOnly: true) }

    static func sortGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, readOnly: Bool) {
        var descending = false, alpha = false, dontSort = false
        var limitStart: Int64 = 0, limitCount: Int64 = -1
        var by: [UInt8]?
        var store: [UInt8]?
        var gets: [[UInt8]] = []
        var index = 2
        let cluster = e.config.bool("cluster-enabled")
        while index < a.count {
            let left = a.count - index - 1
            if a.isWord(index, "asc") { descending = false }
            else if a.isWord(index, "desc") { descending = true }
            else if a.isWord(index, "alpha") { alpha = true }
            else if a.isWord(index, "limit") && left >= 2 {
                guard let start = a.integer(index + 1), let count = a.integer(index + 2) else {
                    return e.fail(c, "ERR value is not an integer or out of range")
                }
                (limitStart, limitCount) = (start, count)
                index += 2
            } else if !readOnly && a.isWord(index, "store") && left >= 1 {
                store = a[index + 1]
                index += 1
            } else if a.isWord(index, "by") && left >= 1 {
                by = a[index + 1]
                if !by!.contains(UInt8(ascii: "*")) {
                    dontSort = true
                } else if cluster {
                    return e.fail(c, "ERR BY option of SORT denied in Cluster mode.")
                }
                index += 1
            } else if a.isWord(index, "get") && left >= 1 {
                if cluster { return e.fail(c, "ERR GET option of SORT denied in Cluster mode.") }
                gets.append(a[index + 1])
                index += 1
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        let source = e.read(c, a[1])
        var elements: [[UInt8]]
        var isSet = false
        switch source {
        case nil: elements = []
        case .list(let list): elements = Array(list.items)
        case .set(let set): elements = set.members; isSet = true
        case .zset(let zset): elements = zset.allEntries.map(\.member)
        default: return e.wrongType(c)
        }
        // A set's order is its hash table's: stored or given to a script, it is sorted (deterministic effects).
        if dontSort && isSet && (store != nil || c === e.scripting.client) {
            dontSort = false
            alpha = true
            by = nil
        }
        let count = Int64(elements.count)
        var start = min(max(limitStart, 0), count)
        let limited = min(max(limitCount, -1), count)
        var end = limited < 0 ? count - 1 : start + limited - 1
        if start >= count {
            start = count - 1
            end = count - 2
        }
        if end >= count { end = count - 1 }

        if dontSort {
            if descending, case .list = source { elements.reverse() }
            if descending, case .zset = source { elements.reverse() }
        } else {
            var keys: [(element: [UInt8], score: Double, compare: [UInt8]?)] = []
            var conversionError = false
            for element in elements {
                var score = 0.0
                var compare: [UInt8]?
                let weight: [UInt8]? = by.map { lookup(e, c, pattern: $0, element: element) } ?? element
                if let weight {
                    if alpha {
                        if by != nil { compare = weight }
                    } else {
                        guard let parsed = ZSetCommands.strtodPrefix(weight), parsed.1 == weight.count, !parsed.0.isNaN else {
                            conversionError = true
                            keys.append((element, 0, nil))
                            continue
                        }
                        score = parsed.0
                    }
                }
                keys.append((element, score, compare))
            }
            if conversionError { return e.fail(c, "ERR One or more scores can't be converted into double") }
            let byPattern = by != nil
            keys.sort { x, y in
                var order: Int
                if !alpha {
                    order = x.score > y.score ? 1 : x.score < y.score ? -1 : compare(x.element, y.element)
                } else if byPattern {
                    switch (x.compare, y.compare) {
                    case (nil, nil): order = 0
                    case (nil, _): order = -1
                    case (_, nil): order = 1
                    case (let p?, let q?): order = compare(p, q)
                    }
                } else {
                    order = compare(x.element, y.element)
                }
                return descending ? order > 0 : order < 0
            }
            elements = keys.map(\.element)
        }
        let picked = end >= start ? Array(elements[Int(start)...Int(end)]) : []
        if let store {
            var stored: [[UInt8]] = []
            for element in picked {
                if gets.isEmpty { stored.append(element) }
                for pattern in gets { stored.append(lookup(e, c, pattern: pattern, element: element) ?? []) }
            }
            if stored.isEmpty {
                if e.delete(c.db, store) { e.notify(.generic, "del", store, db: c.db) }
            } else {
                e.store(c, store, .list(ListValue(.init(stored))))
                e.notify(.lists, "sortstore", store, db: c.db)
            }
            return c.reply.integer(stored.count)
        }
        c.reply.array(gets.isEmpty ? picked.count : picked.count * gets.count)
        for element in picked {
            if gets.isEmpty { c.reply.bulk(element) }
            for pattern in gets {
                if let value = lookup(e, c, pattern: pattern, element: element) { c.reply.bulk(value) } else { c.reply.null() }
            }
        }
    }

    static func compare(_ x: [UInt8], _ y: [UInt8]) -> Int {
        x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
    }

    /// lookupKeyByPattern: `#` is the element; `*` takes the element; `->f`
    /// after the `*` reads field f of a hash; anything else is no value.
    static func lookup(_ e: NodeEngine, _ c: ClientSession, pattern: [UInt8], element: [UInt8]) -> [UInt8]? {
        if pattern == [UInt8(ascii: "#")] { return element }
        guard let star = pattern.firstIndex(of: UInt8(ascii: "*")) else { return nil }
        var keyEnd = pattern.count
        var field: [UInt8]?
        let afterStar = pattern[(star + 1)...]
        if let arrow = afterStar.indices.first(where: { $0 + 1 < pattern.count && pattern[$0] == UInt8(ascii: "-") && pattern[$0 + 1] == UInt8(ascii: ">") }),
           arrow + 2 < pattern.count {
            field = Array(pattern[(arrow + 2)...])
            keyEnd = arrow
        }
        let key = Array(pattern[..<star]) + element + Array(pattern[(star + 1)..<keyEnd])
        guard let value = e.read(c, key) else { return nil }
        if let field {
            guard case .hash(let hash) = value else { return nil }
            return hash.get(field)
        }
        guard case .string(let string) = value else { return nil }
        return string.bytes
    }
}
