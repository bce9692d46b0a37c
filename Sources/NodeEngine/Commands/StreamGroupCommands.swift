/// Consumer groups: XGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM.
enum StreamGroupCommands {
    static let all: [(String, CommandHandler)] = [
        ("xgroup|create", xgroup), ("xgroup|setid", xgroup), ("xgroup|destroy", xgroup),
        ("xgroup|createconsumer", xgroup), ("xgroup|delconsumer", xgroup),
        ("xack", xack), ("xpending", xpending), ("xclaim", xclaim), ("xautoclaim", xautoclaim),
    ]

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    static func word(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// streamCreateConsumer: counted as a change and announced.
    static func createConsumer(_ e: NodeEngine, _ db: Int, key: [UInt8], _ group: StreamGroup, _ name: [UInt8]) -> StreamConsumer {
        let consumer = group.addConsumer(name, now: e.now)!
        e.dirty += 1
        e.notify(.stream, "xgroup-createconsumer", key, db: db)
        return consumer
    }

    /// streamPropagateXCLAIM: an idempotent XCLAIM that gives replicas the same PEL entry.
    static func propagateClaim(_ e: NodeEngine, _ db: Int, key: [UInt8], _ group: StreamGroup, id: [UInt8], _ entry: StreamPending) {
        guard e.propagates else { return }
        e.alsoPropagate(db, [word("XCLAIM"), key, group.name, entry.consumer?.name ?? [], word("0"), id, word("TIME"),
                             Words.number(entry.deliveryTime), word("RETRYCOUNT"), Words.number(entry.deliveryCount),
                             word("FORCE"), word("JUSTID"), word("LASTID"), group.lastID.bytes])
    }

    /// streamPropagateGroupID.
    static func propagateGroupID(_ e: NodeEngine, _ db: Int, key: [UInt8], _ group: StreamGroup) {
        e.alsoPropagate(db, [word("XGROUP"), word("SETID"), key, group.name, group.lastID.bytes, word("ENTRIESREAD"), Words.number(group.entriesRead)])
    }

    static func noGroup(_ key: [UInt8], _ group: [UInt8]) -> String {
        "NOGROUP No such key '\(text(key))' or consumer group '\(text(group))'"
    }

    // MARK: XGROUP

    static func xgroup(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let subcommand = a.lowercased(1)
        var makeStream = false
        var entriesRead = StreamGroup.invalidEntriesRead
        let syntax = "ERR unknown subcommand or wrong number of arguments for '\(a.string(1))'. Try XGROUP HELP."
        var index = 5
        while index < a.count {
            if subcommand == "create" && a.lowercased(index) == "mkstream" {
                makeStream = true
                index += 1
            } else if (subcommand == "create" || subcommand == "setid") && a.lowercased(index) == "entriesread" && index + 1 < a.count {
                guard let given = a.integer(index + 1) else { return e.fail(c, StreamCommands.notInteger) }
                guard given >= 0 || given == StreamGroup.invalidEntriesRead else { return e.fail(c, "ERR value for ENTRIESREAD must be positive or -1") }
                entriesRead = given
                index += 2
            } else {
                return e.fail(c, syntax)
            }
        }
        let key = a[2], groupName = a[3]
        guard let found = StreamCommands.writable(e, c, key) else { return }
        var stream = found
        var group: StreamGroup?
        if !makeStream {
            guard let stream else {
                return e.fail(c, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
            }
            group = stream.groups[groupName]
            if group == nil && ["setid", "createconsumer", "delconsumer"].contains(subcommand) {
                return e.fail(c, "NOGROUP No such consumer group '\(text(groupName))' for key name '\(text(key))'")
            }
        }
        switch subcommand {
        case "create" where a.count >= 5 && a.count <= 8:
            let id: StreamID
            if a[4] == [UInt8(ascii: "$")] {
                id = stream?.lastID ?? .zero
            } else {
                guard let parsed = StreamCommands.id(e, c, a[4], strict: true) else { return }
                id = parsed
            }
            if stream == nil {
                let created = StreamValue()
                e.add(c, a, 2, .stream(created))
                stream = created
            }
            guard stream!.groups.add(groupName, lastID: id, entriesRead: entriesRead) != nil else {
                return e.fail(c, "BUSYGROUP Consumer Group name already exists")
            }
            c.reply.ok()
            e.modified(c.db, key)
            e.notify(.stream, "xgroup-create", key, db: c.db)
        case "setid" where a.count == 5 || a.count == 7:
            let id: StreamID
            if a[4] == [UInt8(ascii: "$")] {
                id = stream!.lastID
            } else {
                guard let parsed = StreamCommands.id(e, c, a[4]) else { return }
                id = parsed
            }
            group!.lastID = id
            group!.entriesRead = entriesRead
            c.reply.ok()
            e.modified(c.db, key)
            e.notify(.stream, "xgroup-setid", key, db: c.db)
        case "destroy" where a.count == 4:
            guard group != nil else { return c.reply.integer(0) }
            stream!.groups.remove(groupName)
            c.reply.integer(1)
            e.modified(c.db, key)
            e.notify(.stream, "xgroup-destroy", key, db: c.db)
            e.signalReady(c.db, key)
        case "createconsumer" where a.count == 5:
            if group!.consumer(a[4]) != nil { return c.reply.integer(0) }
            _ = createConsumer(e, c.db, key: key, group!, a[4])
            c.reply.integer(1)
        case "delconsumer" where a.count == 5:
            guard let consumer = group!.consumer(a[4]) else { return c.reply.integer(0) }
            let pending = consumer.pending.count
            group!.removeConsumer(consumer)
            e.modified(c.db, key)
            e.notify(.stream, "xgroup-delconsumer", key, db: c.db)
            c.reply.integer(pending)
        default:
            e.fail(c, syntax)
        }
    }

    // MARK: XACK and XPENDING

    static func xack(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = StreamCommands.read(e, c, a[1]) else { return }
        guard let group = found?.groups[a[2]] else { return c.reply.integer(0) }
        var ids: [StreamID] = []
        for index in 3..<a.count {
            guard let id = StreamCommands.id(e, c, a[index], strict: true) else { return }
            ids.append(id)
        }
        var acknowledged = 0
        for id in ids where group.acknowledge(id) {
            acknowledged += 1
            e.dirty += 1
        }
        c.reply.integer(acknowledged)
    }

    static func xpending(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let summary = a.count == 3
        guard summary || (a.count >= 6 && a.count <= 9) else { return e.fail(c, "ERR syntax error") }
        var start = StreamID.zero, end = StreamID.max
        var count: Int64 = 0, minIdle: Int64 = 0
        var consumerName: [UInt8]?
        if a.count >= 6 {
            var at = 3
            if a.lowercased(3) == "idle" {
                guard let idle = a.integer(4) else { return e.fail(c, StreamCommands.notInteger) }
                minIdle = idle
                guard a.count >= 8 else { return e.fail(c, "ERR syntax error") }
                at += 2
            }
            guard let given = a.integer(at + 2) else { return e.fail(c, StreamCommands.notInteger) }
            count = max(given, 0)
            guard let from = StreamCommands.intervalStart(e, c, a[at]), let to = StreamCommands.intervalEnd(e, c, a[at + 1]) else { return }
            start = from
            end = to
            if at + 3 < a.count { consumerName = a[at + 3] }
        }
        guard let found = StreamCommands.read(e, c, a[1]) else { return }
        guard let group = found?.groups[a[2]] else { return e.fail(c, noGroup(a[1], a[2])) }
        if summary {
            c.reply.array(4)
            c.reply.integer(group.pending.count)
            guard let first = group.pending.first, let last = group.pending.last else {
                c.reply.null()
                c.reply.null()
                c.reply.nullArray()
                return
            }
            c.reply.bulk(first.id.bytes)
            c.reply.bulk(last.id.bytes)
            let owners = group.consumers.filter { !$0.pending.isEmpty }
            c.reply.array(owners.count)
            for consumer in owners {
                c.reply.array(2)
                c.reply.bulk(consumer.name)
                c.reply.bulk(Int64(consumer.pending.count))
            }
            return
        }
        let pel: SortedIDMap<StreamPending>
        if let consumerName {
            guard let consumer = group.consumer(consumerName) else { return c.reply.array(0) }
            pel = consumer.pending
        } else {
            pel = group.pending
        }
        var rows: [(StreamID, StreamPending)] = []
        var remaining = count
        pel.forEach(from: start) { id, entry in
            guard remaining > 0, id <= end else { return false }
            if minIdle > 0 && e.now - entry.deliveryTime < minIdle { return true }
            rows.append((id, entry))
            remaining -= 1
            return true
        }
        c.reply.array(rows.count)
        for (id, entry) in rows {
            c.reply.array(4)
            c.reply.bulk(id.bytes)
            c.reply.bulk(entry.consumer?.name ?? [])
            c.reply.integer(max(e.now - entry.deliveryTime, 0))
            c.reply.integer(Int64(clamping: entry.deliveryCount))
        }
    }

    // MARK: XCLAIM and XAUTOCLAIM

    static func xclaim(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard let found = StreamCommands.read(e, c, key) else { return }
        guard let stream = found, let group = stream.groups[a[2]] else { return e.fail(c, noGroup(key, a[2])) }
        guard var minIdle = a.integer(4) else { return e.fail(c, "ERR Invalid min-idle-time argument for XCLAIM") }
        minIdle = max(minIdle, 0)
        var ids: [(id: StreamID, index: Int)] = []
        var index = 5
        while index < a.count, let parsed = StreamIDSyntax.parse(a[index], strict: true) {
            ids.append((parsed.id, index))
            index += 1
        }
        let now = e.now
        var deliveryTime: Int64 = -1
        var retryCount: Int64 = -1
        var force = false, justID = false
        var lastID = StreamID.zero
        while index < a.count {
            let more = a.count - 1 - index
            let option = a.lowercased(index)
            if option == "force" {
                force = true
            } else if option == "justid" {
                justID = true
            } else if option == "idle" && more > 0 {
                index += 1
                guard let idle = a.integer(index) else { return e.fail(c, "ERR Invalid IDLE option argument for XCLAIM") }
                deliveryTime = now &- idle
            } else if option == "time" && more > 0 {
                index += 1
                guard let time = a.integer(index) else { return e.fail(c, "ERR Invalid TIME option argument for XCLAIM") }
                deliveryTime = time
            } else if option == "retrycount" && more > 0 {
                index += 1
                guard let retries = a.integer(index) else { return e.fail(c, "ERR Invalid RETRYCOUNT option argument for XCLAIM") }
                retryCount = retries
            } else if option == "lastid" && more > 0 {
                index += 1
                guard let given = StreamCommands.id(e, c, a[index], strict: true) else { return }
                lastID = given
            } else {
                return e.fail(c, "ERR Unrecognized XCLAIM option '\(a.string(index))'")
            }
            index += 1
        }
        var propagateLastID = false
        if lastID > group.lastID {
            group.lastID = lastID
            propagateLastID = true
        }
        if deliveryTime != -1 {
            if deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        } else {
            deliveryTime = now
        }
        var consumer: StreamConsumer?
        var claimed: [(StreamID, [[UInt8]]?)] = []
        for (id, argument) in ids {
            var entry = group.pending[id]
            guard let pairs = stream.pairs(of: id) else {
                if let gone = entry {
                    propagateClaim(e, c.db, key: key, group, id: a[argument], gone)
                    propagateLastID = false
                    e.dirty += 1
                    group.acknowledge(id)
                }
                continue
            }
            if force && entry == nil {
                let created = StreamPending(consumer: nil, deliveryTime: now)
                group.pending.insert(id, created)
                entry = created
            }
            guard let entry else { continue }
            if entry.consumer != nil && minIdle > 0 && now - entry.deliveryTime < minIdle { continue }
            let owner = consumer ?? group.consumer(a[3]).map { $0.seenTime = now; return $0 } ?? createConsumer(e, c.db, key: key, group, a[3])
            consumer = owner
            if entry.consumer !== owner { entry.consumer?.pending.remove(id) }
            entry.deliveryTime = deliveryTime
            if retryCount >= 0 {
                entry.deliveryCount = UInt64(retryCount)
            } else if !justID {
                entry.deliveryCount += 1
            }
            if entry.consumer !== owner {
                owner.pending.insert(id, entry)
                entry.consumer = owner
            }
            claimed.append((id, justID ? nil : pairs))
            propagateClaim(e, c.db, key: key, group, id: a[argument], entry)
            propagateLastID = false
            e.dirty += 1
        }
        if propagateLastID {
            propagateGroupID(e, c.db, key: key, group)
            e.dirty += 1
        }
        c.reply.array(claimed.count)
        for (id, pairs) in claimed {
            if let pairs { StreamCommands.reply(c, id, pairs) } else { c.reply.bulk(id.bytes) }
        }
        e.preventPropagation()
    }

    static func xautoclaim(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let key = a[1]
        guard var minIdle = a.integer(4) else { return e.fail(c, "ERR Invalid min-idle-time argument for XAUTOCLAIM") }
        minIdle = max(minIdle, 0)
        guard let start = StreamCommands.intervalStart(e, c, a[5]) else { return }
        var count: Int64 = 100
        var justID = false
        var index = 6
        while index < a.count {
            let option = a.lowercased(index)
            if option == "count" && index + 1 < a.count {
                guard let given = a.integer(index + 1), given >= 1, given <= Int64.max / 16 else { return e.fail(c, "ERR COUNT must be > 0") }
                count = given
                index += 1
            } else if option == "justid" {
                justID = true
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        guard let found = StreamCommands.read(e, c, key) else { return }
        guard let stream = found, let group = stream.groups[a[2]] else { return e.fail(c, noGroup(key, a[2])) }
        let now = e.now
        var attempts = count * 10
        var consumer: StreamConsumer?
        var claimed: [(StreamID, [[UInt8]]?)] = []
        var deleted: [StreamID] = []
        var cursor: StreamID? = start
        while attempts > 0, count > 0, let from = cursor, let (id, entry) = group.pending.entry(atOrAfter: from) {
            attempts -= 1
            cursor = id.successor
            guard let pairs = stream.pairs(of: id) else {
                propagateClaim(e, c.db, key: key, group, id: id.bytes, entry)
                e.dirty += 1
                group.acknowledge(id)
                deleted.append(id)
                count -= 1
                continue
            }
            if minIdle > 0 && now - entry.deliveryTime < minIdle { continue }
            let owner = consumer ?? group.consumer(a[3]).map { $0.seenTime = now; return $0 } ?? createConsumer(e, c.db, key: key, group, a[3])
            consumer = owner
            if entry.consumer !== owner { entry.consumer?.pending.remove(id) }
            entry.deliveryTime = now
            if !justID { entry.deliveryCount += 1 }
            if entry.consumer !== owner {
                owner.pending.insert(id, entry)
                entry.consumer = owner
            }
            claimed.append((id, justID ? nil : pairs))
            count -= 1
            propagateClaim(e, c.db, key: key, group, id: id.bytes, entry)
            e.dirty += 1
        }
        // The cursor: the next pending ID after the last one looked at, or 0-0.
        let next = cursor.flatMap { group.pending.entry(atOrAfter: $0)?.id } ?? .zero
        c.reply.array(3)
        c.reply.bulk(next.bytes)
        c.reply.array(claimed.count)
        for (id, pairs) in claimed {
            if let pairs { StreamCommands.reply(c, id, pairs) } else { c.reply.bulk(id.bytes) }
        }
        c.reply.array(deleted.count)
        for id in deleted { c.reply.bulk(id.bytes) }
        e.preventPropagation()
    }
}
