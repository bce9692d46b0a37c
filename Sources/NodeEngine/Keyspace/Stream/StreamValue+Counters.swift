/// The counters behind a consumer group's entries-read and lag (7.0).
extension StreamValue {
    /// streamRangeHasTombstones (the caller knows `start` is before the last ID).
    func rangeHasTombstones(from start: StreamID?, to end: StreamID? = nil) -> Bool {
        guard length > 0, maxDeletedID != .zero, firstID <= maxDeletedID else { return false }
        return (start ?? .zero) <= maxDeletedID && maxDeletedID <= (end ?? .max)
    }

    /// streamEstimateDistanceFromFirstEverEntry: an ID's logical read
    /// counter, or nil when the stream cannot tell.
    func estimatedReads(upTo id: StreamID) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if length == 0 && id <= lastID { return Int64(entriesAdded) }
        if id == lastID { return Int64(entriesAdded) }
        if id > lastID { return nil }
        if maxDeletedID == .zero || maxDeletedID < firstID {
            if id < firstID { return Int64(entriesAdded - length) }
            if id == firstID { return Int64(entriesAdded - length + 1) }
        }
        return nil
    }

    /// streamReplyWithCGLag: nil when fragmentation hides it.
    func lag(of group: StreamGroup) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if group.entriesRead != StreamGroup.invalidEntriesRead && !rangeHasTombstones(from: group.lastID) {
            return Int64(entriesAdded) - group.entriesRead
        }
        return estimatedReads(upTo: group.lastID).map { Int64(entriesAdded) - $0 }
    }

    /// rax's numnodes for the nodes' 16-byte keys: the tree rax builds is the
    /// compressed trie of the keys (a chain of single children is one node,
    /// each branching point one, each key's end one), plus the empty root.
    var radixTreeNodes: Int { Self.radixTreeNodes(nodes.map(\.master.key)) }

    /// rax's node count for sorted 16-byte keys.
    static func radixTreeNodes(_ keys: [[UInt8]]) -> Int {
        func count(_ range: Range<Int>, depth: Int) -> Int {
            if range.count == 1 { return depth == 16 ? 1 : 2 }
            let first = keys[range.lowerBound], last = keys[range.upperBound - 1]
            var common = depth
            while common < 16 && first[common] == last[common] { common += 1 }
            if common > depth { return 1 + count(range, depth: common) }
            var total = 1
            var start = range.lowerBound
            while start < range.upperBound {
                var stop = start + 1
                while stop < range.upperBound && keys[stop][depth] == keys[start][depth] { stop += 1 }
                total += count(start..<stop, depth: depth + 1)
                start = stop
            }
            return total
        }
        return keys.isEmpty ? 1 : count(0..<keys.count, depth: 0)
    }
}

extension StreamValue {
    /// streamDup (COPY): nodes, counters, groups, PELs and consumers, all new.
    func copy() -> StreamValue {
        let copy = StreamValue()
        copy.nodes = nodes.map { StreamNode(master: $0.master, listpack: $0.listpack) }
        copy.length = length
        copy.lastID = lastID
        copy.firstID = firstID
        copy.maxDeletedID = maxDeletedID
        copy.entriesAdded = entriesAdded
        for group in groups.all {
            guard let new = copy.groups.add(group.name, lastID: group.lastID, entriesRead: group.entriesRead) else { continue }
            for old in group.consumers {
                guard let consumer = new.addConsumer(old.name, now: old.seenTime) else { continue }
                for (id, entry) in old.pending.all {
                    let duplicate = StreamPending(consumer: consumer, deliveryTime: entry.deliveryTime, deliveryCount: entry.deliveryCount)
                    consumer.pending.insert(id, duplicate)
                    new.pending.insert(id, duplicate)
                }
            }
        }
        return copy
    }
}

extension StreamValue {
    /// rewriteStreamObject: the commands an AOF rewrite writes for this
    /// stream: XADDs (or the MAXLEN 0 trick for an empty one), XSETID, then
    /// each group with its consumers and their pending entries.
    func rebuildingCommands(key: [UInt8]) -> [[[UInt8]]] {
        func word(_ text: String) -> [UInt8] { Array(text.utf8) }
        var commands: [[[UInt8]]] = []
        if length > 0 {
            forEach(from: .zero, to: .max) { node, entry in
                commands.append([word("XADD"), key, entry.id.bytes] + node.pairs(entry))
                return true
            }
        } else {
            commands.append([word("XADD"), key, word("MAXLEN"), word("0"), word("0-1"), word("x"), word("y")])
        }
        commands.append([word("XSETID"), key, lastID.bytes, word("ENTRIESADDED"), word(String(entriesAdded)),
                         word("MAXDELETEDID"), maxDeletedID.bytes])
        for group in groups.all {
            commands.append([word("XGROUP"), word("CREATE"), key, group.name, group.lastID.bytes, word("ENTRIESREAD"), word(String(group.entriesRead))])
            for consumer in group.consumers {
                if consumer.pending.isEmpty {
                    commands.append([word("XGROUP"), word("CREATECONSUMER"), key, group.name, consumer.name])
                    continue
                }
                for (id, entry) in consumer.pending.all {
                    commands.append([word("XCLAIM"), key, group.name, consumer.name, word("0"), id.bytes, word("TIME"),
                                     word(String(entry.deliveryTime)), word("RETRYCOUNT"), word(String(entry.deliveryCount)),
                                     word("JUSTID"), word("FORCE")])
                }
            }
        }
        return commands
    }
}
