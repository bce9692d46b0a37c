import DequeModule

/// The list commands of t_list.c (the blocking ones are in BlockingCommands).
enum ListCommands {
    static let all: [(String, CommandHandler)] = [
        ("lpush", lpush), ("rpush", rpush), ("lpushx", lpushx), ("rpushx", rpushx), ("lpop", lpop), ("rpop", rpop),
        ("llen", llen), ("lrange", lrange), ("lindex", lindex), ("lset", lset), ("lrem", lrem), ("ltrim", ltrim),
        ("linsert", linsert), ("lpos", lpos), ("lmove", lmove), ("rpoplpush", rpoplpush), ("lmpop", lmpop),
    ]

    static func read(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], write: Bool = false) -> ListValue?? {
        e.typed(c, write ? e.lookup(c, key) : e.read(c, key), \.asList)
    }

    static func lpush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { push(e, c, a, head: true, onlyExisting: false) }
    static func rpush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { push(e, c, a, head: false, onlyExisting: false) }
    static func lpushx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { push(e, c, a, head: true, onlyExisting: true) }
    static func rpushx(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { push(e, c, a, head: false, onlyExisting: true) }

    static func push(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, head: Bool, onlyExisting: Bool) {
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asList) else { return }
        let list: ListValue
        if let existing = found {
            list = existing
        } else {
            if onlyExisting { return c.reply.integer(0) }
            list = ListValue()
            e.add(c, a, 1, .list(list))
        }
        for index in 2..<a.count {
            if head { list.items.prepend(a[index]) } else { list.items.append(a[index]) }
        }
        e.modified(c.db, a, 1, changes: Int64(a.count - 2))
        e.notify(.lists, head ? "lpush" : "rpush", a, 1, db: c.db)
        c.reply.integer(list.count)
    }

    static func lpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { pop(e, c, a, head: true) }
    static func rpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { pop(e, c, a, head: false) }

    static func pop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, head: Bool) {
        guard a.count <= 3 else { return e.fail(c, "ERR wrong number of arguments for '\(a.lowercased(0))' command") }
        var count: Int64 = 0
        if a.count == 3 {
            guard let parsed = a.integer(2) else { return e.fail(c, "ERR value is out of range, must be positive") }
            guard parsed >= 0 else { return e.fail(c, "ERR value is out of range, must be positive") }
            count = parsed
        }
        guard let found = e.typed(c, e.lookup(c, a, 1), \.asList) else { return }
        guard let list = found else { return a.count == 3 ? c.reply.nullArray() : c.reply.null() }
        if a.count == 3 && count == 0 { return c.reply.emptyArray() }
        var taken = 1
        if a.count == 2 {
            let value = head ? list.items.removeFirst() : list.items.removeLast()
            c.reply.bulk(value)
        } else {
            taken = min(Int(count), list.count)
            c.reply.array(taken)
            for _ in 0..<taken { c.reply.bulk(head ? list.items.removeFirst() : list.items.removeLast()) }
        }
        elementsRemoved(e, c, a[1], list, head: head, count: taken)
    }

    /// listElementsRemoved: the pop's event, the key gone with its last
    /// element (and a del event), one change per element.
    static func elementsRemoved(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], _ list: ListValue, head: Bool, count: Int) {
        e.notify(.lists, head ? "lpop" : "rpop", key, db: c.db)
        if list.count == 0 {
            e.databases[c.db].remove(key)
            e.notify(.generic, "del", key, db: c.db)
        }
        e.modified(c.db, key, changes: Int64(count))
    }

    static func llen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        c.reply.integer(found?.count ?? 0)
    }

    /// Start and end of a range as LRANGE clamps them; nil when empty.
    static func range(_ start: Int64, _ end: Int64, count: Int) -> ClosedRange<Int>? {
        let length = Int64(count)
        var start = start < 0 ? length + start : start
        var end = end < 0 ? length + end : end
        if start < 0 { start = 0 }
        if start > end || start >= length { return nil }
        if end >= length { end = length - 1 }
        return Int(start)...Int(end)
    }

    static func lrange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let start = a.integer(2), let end = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard let found = read(e, c, a[1]) else { return }
        guard let list = found, let span = range(start, end, count: list.count) else { return c.reply.emptyArray() }
        c.reply.array(span.count)
        c.reply.bulks(list.items[span])
    }

    static func lindex(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = read(e, c, a[1]) else { return }
        guard let index = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard let list = found, let position = list.resolve(index) else { return c.reply.null() }
        c.reply.bulk(list.items[position])
    }

    static func lset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let list = found else { return e.fail(c, "ERR no such key") }
        guard let index = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard let position = list.resolve(index) else { return e.fail(c, "ERR index out of range") }
        list.items[position] = a[3]
        e.modified(c.db, key)
        e.notify(.lists, "lset", key, db: c.db)
        c.reply.ok()
    }

    static func lrem(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let count = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let list = found else { return c.reply.integer(0) }
        let element = a[3]
        var removed = 0
        let limit = count == 0 ? Int.max : Int(clamping: count.magnitude)
        if count >= 0 {
            var index = 0
            while index < list.items.count && removed < limit {
                if list.items[index] == element { list.items.remove(at: index); removed += 1 } else { index += 1 }
            }
        } else {
            var index = list.items.count - 1
            while index >= 0 && removed < limit {
                if list.items[index] == element { list.items.remove(at: index); removed += 1 }
                index -= 1
            }
        }
        if removed > 0 {
            e.notify(.lists, "lrem", key, db: c.db)
            if list.count == 0 {
                e.databases[c.db].remove(key)
                e.notify(.generic, "del", key, db: c.db)
            }
            e.modified(c.db, key, changes: Int64(removed))
        }
        c.reply.integer(removed)
    }

    static func ltrim(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let start = a.integer(2), let end = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let list = found else { return c.reply.ok() }
        let before = list.count
        if let span = range(start, end, count: list.count) {
            list.items = Deque(list.items[span])
        } else {
            list.items.removeAll()
        }
        e.notify(.lists, "ltrim", key, db: c.db)
        if list.count == 0 {
            e.databases[c.db].remove(key)
            e.notify(.generic, "del", key, db: c.db)
        }
        // One change per element trimmed, as 7.0.15 counts them (none when nothing went).
        e.modified(c.db, key, changes: Int64(before - list.count))
        c.reply.ok()
    }

    static func linsert(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let after: Bool
        if a.isWord(2, "after") { after = true } else if a.isWord(2, "before") { after = false } else {
            return e.fail(c, "ERR syntax error")
        }
        let key = a[1]
        guard let found = read(e, c, key, write: true) else { return }
        guard let list = found else { return c.reply.integer(0) }
        guard let pivot = list.items.firstIndex(of: a[3]) else { return c.reply.integer(-1) }
        list.items.insert(a[4], at: after ? pivot + 1 : pivot)
        e.modified(c.db, key)
        e.notify(.lists, "linsert", key, db: c.db)
        c.reply.integer(list.count)
    }

    static func lpos(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var rank: Int64 = 1, count: Int64 = -1, maxlen: Int64 = 0
        var index = 3
        while index < a.count {
            let more = a.count - 1 - index
            if a.isWord(index, "rank") && more > 0 {
                guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                guard value != 0 else {
                    return e.fail(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
                rank = value
            } else if a.isWord(index, "count") && more > 0 {
                guard let value = e.nonNegativeArgument(c, a, index + 1, message: "COUNT can't be negative") else { return }
                count = value
            } else if a.isWord(index, "maxlen") && more > 0 {
                guard let value = e.nonNegativeArgument(c, a, index + 1, message: "MAXLEN can't be negative") else { return }
                maxlen = value
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 2
        }
        guard let found = read(e, c, a[1]) else { return }
        guard let list = found else { return count != -1 ? c.reply.emptyArray() : c.reply.null() }
        let element = a[2]
        let fromTail = rank < 0
        var skip = rank.magnitude - 1
        var matches: [Int] = []
        let wanted = count == -1 ? 1 : (count == 0 ? Int.max : Int(count))
        let positions: [Int] = fromTail ? Array((0..<list.count).reversed()) : Array(0..<list.count)
        var scanned: Int64 = 0
        for position in positions {
            if maxlen != 0 && scanned >= maxlen { break }
            scanned += 1
            guard list.items[position] == element else { continue }
            if skip > 0 { skip -= 1; continue }
            matches.append(position)
            if matches.count >= wanted { break }
        }
        if count != -1 {
            c.reply.array(matches.count)
            for match in matches { c.reply.integer(match) }
        } else if let first = matches.first {
            c.reply.integer(first)
        } else {
            c.reply.null()
        }
    }

    static func side(_ a: Arguments, _ index: Int) -> Bool? {
        if a.isWord(index, "left") { return true }
        if a.isWord(index, "right") { return false }
        return nil
    }

    static func lmove(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let from = side(a, 3), let to = side(a, 4) else { return e.fail(c, "ERR syntax error") }
        move(e, c, source: a[1], destination: a[2], fromHead: from, toHead: to)
    }

    static func rpoplpush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        move(e, c, source: a[1], destination: a[2], fromHead: false, toHead: true)
    }

    /// LMOVE's work; returns whether an element moved.
    @discardableResult
    static func move(_ e: NodeEngine, _ c: ClientSession, source: [UInt8], destination: [UInt8], fromHead: Bool, toHead: Bool) -> Bool {
        guard let found = read(e, c, source, write: true) else { return false }
        guard let list = found else {
            c.reply.null()
            return false
        }
        var target: ListValue?
        if let value = e.lookup(c, destination) {
            guard case .list(let existing) = value else {
                e.wrongType(c)
                return false
            }
            target = existing
        }
        let element = fromHead ? list.items.removeFirst() : list.items.removeLast()
        let destinationList: ListValue
        if let target {
            destinationList = target
        } else {
            destinationList = ListValue()
            e.add(c, destination, .list(destinationList))
        }
        if toHead { destinationList.items.prepend(element) } else { destinationList.items.append(element) }
        e.modified(c.db, destination)
        e.notify(.lists, toHead ? "lpush" : "rpush", destination, db: c.db)
        elementsRemoved(e, c, source, list, head: fromHead, count: 1)
        c.reply.bulk(element)
        return true
    }

    static func lmpop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let parsed = MultiPop.parse(e, c, a, numkeysIndex: 1, sides: { side(a, $0) }) else { return }
        for key in parsed.keys {
            guard let found = read(e, c, key, write: true) else { return }
            guard let list = found else { continue }
            MultiPop.popList(e, c, key: key, list: list, head: parsed.head, count: parsed.count)
            return
        }
        c.reply.nullArray()
    }
}

/// LMPOP / BLMPOP argument parsing and the nested reply.
enum MultiPop {
    struct Parsed {
        let keys: [[UInt8]]
        let head: Bool
        let count: Int
    }

    static func parse(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, numkeysIndex: Int, sides: (Int) -> Bool?) -> Parsed? {
        guard let numkeys = e.integerArgument(c, a, numkeysIndex, in: 1...Int64.max, message: "numkeys should be greater than 0") else {
            return nil
        }
        let whereIndex = numkeysIndex + Int(min(numkeys, Int64(a.count))) + 1
        guard numkeys < Int64(a.count), whereIndex < a.count else {
            e.fail(c, "ERR syntax error")
            return nil
        }
        guard let head = sides(whereIndex) else {
            e.fail(c, "ERR syntax error")
            return nil
        }
        var count = -1
        var index = whereIndex + 1
        while index < a.count {
            if count == -1 && a.isWord(index, "count") && index + 1 < a.count {
                guard let value = e.integerArgument(c, a, index + 1, in: 1...Int64.max, message: "count should be greater than 0") else {
                    return nil
                }
                count = Int(min(value, Int64(Int32.max)))
                index += 2
            } else {
                e.fail(c, "ERR syntax error")
                return nil
            }
        }
        let keys = ((numkeysIndex + 1)..<whereIndex).map { a[$0] }
        return Parsed(keys: keys, head: head, count: count == -1 ? 1 : count)
    }

    static func popList(_ e: NodeEngine, _ c: ClientSession, key: [UInt8], list: ListValue, head: Bool, count: Int) {
        let taken = min(count, list.count)
        c.reply.array(2)
        c.reply.bulk(key)
        c.reply.array(taken)
        for _ in 0..<taken { c.reply.bulk(head ? list.items.removeFirst() : list.items.removeLast()) }
        ListCommands.elementsRemoved(e, c, key, list, head: head, count: taken)
        // LMPOP and BLMPOP, served at once or later, go out as [LR]POP key count.
        e.propagate(as: [head ? Words.lpop : Words.rpop, key, Words.number(taken)])
    }
}
