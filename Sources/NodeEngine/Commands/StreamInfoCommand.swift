/// XINFO STREAM [FULL [COUNT n]], GROUPS and CONSUMERS, with 7.0's fields.
enum StreamInfoCommand {
    static let all: [(String, CommandHandler)] = [("xinfo|stream", stream), ("xinfo|groups", groups), ("xinfo|consumers", consumers)]

    static func lookup(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> StreamValue? {
        guard let found = StreamCommands.read(e, c, key) else { return nil }
        guard let stream = found else {
            e.fail(c, "ERR no such key")
            return nil
        }
        return stream
    }

    static func syntax(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.fail(c, "ERR unknown subcommand or wrong number of arguments for '\(a.string(1))'. Try XINFO HELP.")
    }

    /// A group's last-delivered-id, entries-read and lag (null when unknown), as both XINFO forms show them.
    static func progress(_ c: ClientSession, _ stream: StreamValue, _ group: StreamGroup) {
        c.reply.bulk("last-delivered-id")
        c.reply.bulk(group.lastID.bytes)
        c.reply.bulk("entries-read")
        if group.entriesRead != StreamGroup.invalidEntriesRead { c.reply.integer(group.entriesRead) } else { c.reply.null() }
        c.reply.bulk("lag")
        if let lag = stream.lag(of: group) { c.reply.integer(lag) } else { c.reply.null() }
    }

    static func stream(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var full = false
        var count: Int64 = 10
        let options = a.count - 3
        if options > 0 {
            guard options == 1 || options == 3, a.lowercased(3) == "full" else { return syntax(e, c, a) }
            if options == 3 {
                guard a.lowercased(4) == "count" else { return syntax(e, c, a) }
                guard let given = a.integer(5) else { return e.fail(c, StreamCommands.notInteger) }
                count = given < 0 ? 10 : given
            }
            full = true
        }
        guard let stream = lookup(e, c, a[2]) else { return }
        c.reply.map(full ? 9 : 10)
        c.reply.bulk("length")
        c.reply.integer(Int64(stream.length))
        c.reply.bulk("radix-tree-keys")
        c.reply.integer(stream.nodes.count)
        c.reply.bulk("radix-tree-nodes")
        c.reply.integer(stream.radixTreeNodes)
        c.reply.bulk("last-generated-id")
        c.reply.bulk(stream.lastID.bytes)
        c.reply.bulk("max-deleted-entry-id")
        c.reply.bulk(stream.maxDeletedID.bytes)
        c.reply.bulk("entries-added")
        c.reply.integer(Int64(stream.entriesAdded))
        c.reply.bulk("recorded-first-entry-id")
        c.reply.bulk(stream.firstID.bytes)
        if !full {
            c.reply.bulk("groups")
            c.reply.integer(stream.groups.count)
            for (name, reverse) in [("first-entry", false), ("last-entry", true)] {
                c.reply.bulk(name)
                if let entry = StreamCommands.collect(stream, from: .zero, to: .max, reverse: reverse, count: 1).first {
                    StreamCommands.reply(c, entry.id, entry.pairs)
                } else {
                    c.reply.null()
                }
            }
            return
        }
        let limit = Int(clamping: count)
        c.reply.bulk("entries")
        let entries = StreamCommands.collect(stream, from: .zero, to: .max, count: limit)
        c.reply.array(entries.count)
        for entry in entries { StreamCommands.reply(c, entry.id, entry.pairs) }
        c.reply.bulk("groups")
        c.reply.array(stream.groups.count)
        for group in stream.groups.all {
            c.reply.map(7)
            c.reply.bulk("name")
            c.reply.bulk(group.name)
            progress(c, stream, group)
            c.reply.bulk("pel-count")
            c.reply.integer(group.pending.count)
            c.reply.bulk("pending")
            let pending = group.pending.prefix(limit)
            c.reply.array(pending.count)
            for (id, entry) in pending {
                c.reply.array(4)
                c.reply.bulk(id.bytes)
                c.reply.bulk(entry.consumer?.name ?? [])
                c.reply.integer(entry.deliveryTime)
                c.reply.integer(Int64(clamping: entry.deliveryCount))
            }
            c.reply.bulk("consumers")
            c.reply.array(group.consumers.count)
            for consumer in group.consumers {
                c.reply.map(4)
                c.reply.bulk("name")
                c.reply.bulk(consumer.name)
                c.reply.bulk("seen-time")
                c.reply.integer(consumer.seenTime)
                c.reply.bulk("pel-count")
                c.reply.integer(consumer.pending.count)
                c.reply.bulk("pending")
                let owned = consumer.pending.prefix(limit)
                c.reply.array(owned.count)
                for (id, entry) in owned {
                    c.reply.array(3)
                    c.reply.bulk(id.bytes)
                    c.reply.integer(entry.deliveryTime)
                    c.reply.integer(Int64(clamping: entry.deliveryCount))
                }
            }
        }
    }

    static func groups(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let stream = lookup(e, c, a[2]) else { return }
        c.reply.array(stream.groups.count)
        for group in stream.groups.all {
            c.reply.map(6)
            c.reply.bulk("name")
            c.reply.bulk(group.name)
            c.reply.bulk("consumers")
            c.reply.integer(group.consumers.count)
            c.reply.bulk("pending")
            c.reply.integer(group.pending.count)
            progress(c, stream, group)
        }
    }

    static func consumers(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let stream = lookup(e, c, a[2]) else { return }
        guard let group = stream.groups[a[3]] else {
            return e.fail(c, "NOGROUP No such consumer group '\(a.string(3))' for key name '\(a.string(2))'")
        }
        c.reply.array(group.consumers.count)
        for consumer in group.consumers {
            c.reply.map(3)
            c.reply.bulk("name")
            c.reply.bulk(consumer.name)
            c.reply.bulk("pending")
            c.reply.integer(consumer.pending.count)
            c.reply.bulk("idle")
            c.reply.integer(max(e.now - consumer.seenTime, 0))
        }
    }
}
