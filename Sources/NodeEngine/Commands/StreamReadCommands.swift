/// XREAD and XREADGROUP, served at once when a stream has what they ask
/// for, else (with BLOCK) waiting in arrival order with the engine's other
/// blocked clients until an XADD serves them.
enum StreamReadCommands {
    static let all: [(String, CommandHandler)] = [("xread", xread), ("xreadgroup", xread)]

    /// XREAD_BLOCKED_DEFAULT_COUNT.
    static let blockedDefaultCount = 1000

    struct GroupRead {
        let group: [UInt8]
        let consumer: [UInt8]
        let noAck: Bool
    }

    static func xread(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let isGroupRead = a.length(0) == 10
        var timeout: Int64 = -1
        var count = 0
        var streamsAt = 0
        var groupName: [UInt8]?, consumerName: [UInt8]?
        var noAck = false
        var index = 1
        while index < a.count {
            let more = a.count - index - 1
            let option = a.lowercased(index)
            if option == "block" && more > 0 {
                if c === e.scripting.client {
                    return e.fail(c, "ERR \(a.string(0)) command is not allowed with BLOCK option from scripts")
                }
                index += 1
                guard let milliseconds = a.integer(index) else { return e.fail(c, "ERR timeout is not an integer or out of range") }
                guard milliseconds >= 0 else { return e.fail(c, "ERR timeout is negative") }
                timeout = milliseconds
            } else if option == "count" && more > 0 {
                index += 1
                guard let given = a.integer(index) else { return e.fail(c, StreamCommands.notInteger) }
                count = given < 0 ? 0 : Int(clamping: given)
            } else if option == "streams" && more > 0 {
                streamsAt = index + 1
                guard (a.count - streamsAt) % 2 == 0 else {
                    return e.fail(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
                }
                break
            } else if option == "group" && more >= 2 {
                guard isGroupRead else { return e.fail(c, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.") }
                groupName = a[index + 1]
                consumerName = a[index + 2]
                index += 2
            } else if option == "noack" {
                guard isGroupRead else { return e.fail(c, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.") }
                noAck = true
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        guard streamsAt > 0 else { return e.fail(c, "ERR syntax error") }
        if isGroupRead && groupName == nil { return e.fail(c, "ERR Missing GROUP option for XREADGROUP") }
        let streamCount = (a.count - streamsAt) / 2
        let keys = (0..<streamCount).map { a[streamsAt + $0] }
        var ids: [StreamID] = []
        for (offset, key) in keys.enumerated() {
            let argument = a[streamsAt + streamCount + offset]
            guard let found = StreamCommands.read(e, c, key) else { return }
            if let groupName {
                guard let stream = found, stream.groups[groupName] != nil else {
                    return e.fail(c, "NOGROUP No such key '\(String(decoding: key, as: UTF8.self))' or consumer group '\(String(decoding: groupName, as: UTF8.self))' in XREADGROUP with GROUP option")
                }
            }
            if argument == [UInt8(ascii: "$")] {
                if isGroupRead {
                    return e.fail(c, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                }
                ids.append(found?.lastID ?? .zero)
            } else if argument == [UInt8(ascii: ">")] {
                guard isGroupRead else {
                    return e.fail(c, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                }
                ids.append(.max)
            } else {
                guard let id = StreamCommands.id(e, c, argument, strict: true) else { return }
                ids.append(id)
            }
        }
        let groupRead = groupName.map { GroupRead(group: $0, consumer: consumerName!, noAck: noAck) }
        // Replies are gathered first: their count is known only at the end.
        var served: [(key: [UInt8], stream: StreamValue, start: StreamID, history: Bool)] = []
        for (offset, key) in keys.enumerated() {
            guard let value = e.read(c, key), case .stream(let stream) = value else { continue }
            var after = ids[offset]
            if let groupRead, let group = stream.groups[groupRead.group] {
                if after != .max {
                    served.append((key, stream, after.successor ?? .max, true))
                    continue
                }
                guard stream.length > 0, let top = stream.lastValidID, top > group.lastID else { continue }
                after = group.lastID
            } else {
                guard stream.length > 0, let top = stream.lastValidID, top > after else { continue }
            }
            served.append((key, stream, after.successor ?? .max, false))
        }
        if !served.isEmpty {
            if c.reply.protocolVersion == 2 { c.reply.array(served.count) } else { c.reply.map(served.count) }
            for read in served {
                if c.reply.protocolVersion == 2 { c.reply.array(2) }
                c.reply.bulk(read.key)
                serve(e, c, key: read.key, read.stream, from: read.start, count: count, group: groupRead, history: read.history)
            }
            if groupRead != nil { e.dirty += Int64(served.count) }
            e.preventPropagation()
            return
        }
        e.preventPropagation()
        guard timeout >= 0 else { return c.reply.nullArray() }
        if c.inExec || c === e.scripting.client { return c.reply.nullArray() }
        let deadline = timeout > 0 ? e.deadline(after: timeout) : 0
        e.block(c, keys: keys, deadline: deadline, arguments: a,
                kind: .stream(StreamWait(ids: ids, count: count > 0 ? count : blockedDefaultCount, group: groupRead)))
    }

    /// One stream's part of the reply: new entries (a group's delivery, with
    /// its PEL, counters and propagation), or a consumer's history.
    static func serve(_ e: NodeEngine, _ c: ClientSession, key: [UInt8], _ stream: StreamValue, from start: StreamID, count: Int,
                      group groupRead: GroupRead?, history: Bool) {
        guard let groupRead, let group = stream.groups[groupRead.group] else {
            let entries = StreamCommands.collect(stream, from: start, to: .max, count: count)
            c.reply.array(entries.count)
            for entry in entries { StreamCommands.reply(c, entry.id, entry.pairs) }
            return
        }
        let consumer: StreamConsumer
        if let found = group.consumer(groupRead.consumer) {
            found.seenTime = e.now
            consumer = found
        } else {
            consumer = StreamGroupCommands.createConsumer(e, c.db, key: key, group, groupRead.consumer)
            if groupRead.noAck {
                e.alsoPropagate(c.db, [Array("XGROUP".utf8), Array("CREATECONSUMER".utf8), key, group.name, consumer.name])
            }
        }
        if history {
            // streamReplyWithRangeFromConsumerPEL: entries gone from the stream come with a null.
            var ids: [StreamID] = []
            consumer.pending.forEach(from: start) { id, _ in
                ids.append(id)
                return count == 0 || ids.count < count
            }
            c.reply.array(ids.count)
            for id in ids {
                if let pairs = stream.pairs(of: id) {
                    StreamCommands.reply(c, id, pairs)
                    if let entry = consumer.pending[id] {
                        entry.deliveryTime = e.now
                        entry.deliveryCount += 1
                    }
                } else {
                    c.reply.array(2)
                    c.reply.bulk(id.bytes)
                    c.reply.nullArray()
                }
            }
            return
        }
        let entries = StreamCommands.collect(stream, from: start, to: .max, count: count)
        var lastIDMoved = false
        c.reply.array(entries.count)
        for entry in entries {
            if entry.id > group.lastID {
                if group.entriesRead != StreamGroup.invalidEntriesRead && !stream.rangeHasTombstones(from: entry.id) {
                    group.entriesRead += 1
                } else if stream.entriesAdded > 0 {
                    group.entriesRead = stream.estimatedReads(upTo: entry.id) ?? StreamGroup.invalidEntriesRead
                }
                group.lastID = entry.id
                if groupRead.noAck { lastIDMoved = true }
            }
            StreamCommands.reply(c, entry.id, entry.pairs)
            guard !groupRead.noAck else { continue }
            let pending: StreamPending
            if let existing = group.pending[entry.id] {
                existing.consumer?.pending.remove(entry.id)
                existing.consumer = consumer
                existing.deliveryTime = e.now
                existing.deliveryCount = 1
                consumer.pending.insert(entry.id, existing)
                pending = existing
            } else {
                pending = StreamPending(consumer: consumer, deliveryTime: e.now)
                group.pending.insert(entry.id, pending)
                consumer.pending.insert(entry.id, pending)
            }
            StreamGroupCommands.propagateClaim(e, c.db, key: key, group, id: entry.id.bytes, pending)
        }
        if lastIDMoved { StreamGroupCommands.propagateGroupID(e, c.db, key: key, group) }
    }
}

/// What a client blocked in XREAD or XREADGROUP waits for.
struct StreamWait {
    /// Per key: entries after this ID serve it (XREADGROUP's ">" follows the group's last ID).
    var ids: [StreamID]
    var count: Int
    var group: StreamReadCommands.GroupRead?
}

extension NodeEngine {
    /// serveClientsBlockedOnStreamKey and unblockDeletedStreamReadgroupClients
    /// for one key that changed: first come, first served.
    func serveStreamClients(_ name: WatchedKeyName) {
        for client in blockedByKey[name] ?? [] {
            guard let blocked = client.blocked, case .stream(let wait) = blocked.kind,
                  let position = blocked.keys.firstIndex(of: name) else { continue }
            let value = databases[name.db].table.find(name.key).map { databases[name.db].table[value: $0] }
            guard case .stream(let stream) = value else {
                guard wait.group != nil else { continue }
                endWait(client, blocked, error: "UNBLOCKED the stream key no longer exists")
                continue
            }
            var after = wait.ids[position]
            if let groupRead = wait.group {
                guard let group = stream.groups[groupRead.group] else {
                    endWait(client, blocked, error: "NOGROUP the consumer group this client was blocked on no longer exists")
                    continue
                }
                after = group.lastID
            }
            guard stream.lastID > after else { continue }
            unblock(client)
            if client.reply.protocolVersion == 2 {
                client.reply.array(1)
                client.reply.array(2)
            } else {
                client.reply.map(1)
            }
            client.reply.bulk(name.key)
            let db = client.db
            client.db = name.db
            StreamReadCommands.serve(self, client, key: name.key, stream, from: after.successor ?? .max, count: wait.count,
                                     group: wait.group, history: false)
            client.db = db
            if wait.group != nil { dirty += 1 }
            propagatePending()
            client.wake?()
        }
    }

    /// updateStatsOnUnblock with an error: the command's failed_calls counts it.
    private func endWait(_ client: ClientSession, _ blocked: BlockedCommand, error: String) {
        unblock(client)
        fail(client, error)
        if let entry = commands.lookup(blocked.arguments) { stats.commandFailures[entry.statsIndex] += 1 }
        stats.errorsAccounted = stats.errorReplies
        client.wake?()
    }
}
