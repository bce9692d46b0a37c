import RDB

/// A stream to and from its RDB record. What is read is checked as
/// streamValidateListpackIntegrity's deep mode checks it, and more (counts
/// that add up, IDs in order, PELs that agree), since a RESTORE payload comes
/// from a client and nothing it holds may crash the server.
extension StreamValue {
    var rdbStream: RDBStream {
        func id(_ id: StreamID) -> RDBStream.ID { RDBStream.ID(ms: id.ms, seq: id.seq) }
        let groups = groups.all.map { group in
            RDBStream.Group(
                name: group.name, lastID: id(group.lastID), entriesRead: group.entriesRead,
                pending: group.pending.all.map { RDBStream.Pending(id: $0.id.key, deliveryTime: $0.value.deliveryTime, deliveryCount: $0.value.deliveryCount) },
                consumers: group.consumers.map { RDBStream.Consumer(name: $0.name, seenTime: $0.seenTime, pending: $0.pending.ids.map(\.key)) })
        }
        return RDBStream(nodes: nodes.map { RDBStream.Node(key: $0.master.key, listpack: $0.listpack.bytes) },
                         length: length, lastID: id(lastID), firstID: id(firstID), maxDeletedID: id(maxDeletedID),
                         entriesAdded: entriesAdded, groups: groups)
    }

    static func restored(_ record: RDBStream) throws(RDBError) -> StreamValue {
        let stream = StreamValue()
        var previous: StreamID?
        var total: UInt64 = 0
        for node in record.nodes {
            guard let master = StreamID(key: node.key) else { throw .malformed("Stream node key entry is not the size of a stream ID") }
            let listpack = try ListpackBuffer(validating: node.listpack)
            let valid = try validateNode(listpack, master: master, after: &previous)
            total += valid
            stream.nodes.append(StreamNode(master: master, listpack: listpack))
        }
        guard total == record.length else { throw .malformed("Stream length \(record.length) differs from its entries (\(total))") }
        stream.length = record.length
        stream.lastID = StreamID(ms: record.lastID.ms, seq: record.lastID.seq)
        if let previous, previous > stream.lastID { throw .malformed("Stream last ID is smaller than its last entry") }
        if record.isLegacy {
            stream.entriesAdded = record.length
            stream.firstID = stream.edgeID(first: true)
        } else {
            stream.firstID = StreamID(ms: record.firstID.ms, seq: record.firstID.seq)
            stream.maxDeletedID = StreamID(ms: record.maxDeletedID.ms, seq: record.maxDeletedID.seq)
            stream.entriesAdded = record.entriesAdded
        }
        for saved in record.groups {
            let lastID = StreamID(ms: saved.lastID.ms, seq: saved.lastID.seq)
            let entriesRead = record.isLegacy ? (stream.estimatedReads(upTo: lastID) ?? StreamGroup.invalidEntriesRead) : saved.entriesRead
            guard let group = stream.groups.add(saved.name, lastID: lastID, entriesRead: entriesRead) else {
                throw .malformed("Duplicated consumer group name \(String(decoding: saved.name, as: UTF8.self))")
            }
            for entry in saved.pending {
                guard let id = StreamID(key: entry.id),
                      group.pending.insert(id, StreamPending(consumer: nil, deliveryTime: entry.deliveryTime, deliveryCount: entry.deliveryCount)) else {
                    throw .malformed("Duplicated global PEL entry loading stream consumer group")
                }
            }
            for saved in saved.consumers {
                guard let consumer = group.addConsumer(saved.name, now: saved.seenTime) else { throw .malformed("Duplicate stream consumer detected.") }
                for key in saved.pending {
                    guard let id = StreamID(key: key), let entry = group.pending[id] else { throw .malformed("Consumer entry not found in group global PEL") }
                    guard entry.consumer == nil, consumer.pending.insert(id, entry) else {
                        throw .malformed("Duplicated consumer PEL entry  loading a stream consumer group")
                    }
                    entry.consumer = consumer
                }
            }
            var orphan = false
            group.pending.forEach { _, entry in
                orphan = entry.consumer == nil
                return !orphan
            }
            if orphan { throw .malformed("Stream CG PEL entry without consumer") }
        }
        return stream
    }

    /// One node's layout; returns its count of live entries.
    private static func validateNode(_ lp: ListpackBuffer, master: StreamID, after previous: inout StreamID?) throws(RDBError) -> UInt64 {
        let bad = RDBError.malformed("Stream listpack integrity check failed.")
        var cursor = lp.first
        func take() throws(RDBError) -> Int {
            guard let p = cursor else { throw bad }
            cursor = lp.next(p)
            return p
        }
        func integer() throws(RDBError) -> Int64 {
            let p = try take()
            guard case .integer(let value) = lp.element(p) else {
                guard let parsed = Int64(String(decoding: lp.value(p), as: UTF8.self)) else { throw bad }
                return parsed
            }
            return value
        }
        let valid = try integer(), deleted = try integer(), masterFields = try integer()
        guard valid >= 0, deleted >= 0, masterFields >= 0, masterFields < Int64(lp.byteCount) else { throw bad }
        guard valid + deleted > 0 else { throw .malformed("Empty listpack inside stream") }
        for _ in 0..<masterFields { _ = try take() }
        guard try integer() == 0 else { throw bad }
        var seenValid: Int64 = 0, seenDeleted: Int64 = 0
        for _ in 0..<(valid + deleted) {
            let flags = try integer()
            let msDelta = try integer(), seqDelta = try integer()
            let id = StreamID(ms: master.ms &+ UInt64(bitPattern: msDelta), seq: master.seq &+ UInt64(bitPattern: seqDelta))
            if let previous, id <= previous { throw .malformed("Stream entry IDs are not in order") }
            previous = id
            var fields = masterFields, extra: Int64 = 3
            if flags & StreamNode.sameFieldsFlag == 0 {
                fields = try integer()
                guard fields >= 0, fields < Int64(lp.byteCount) else { throw bad }
                for _ in 0..<fields { _ = try take() }
                extra += fields + 1
            }
            for _ in 0..<fields { _ = try take() }
            guard try integer() == fields + extra else { throw bad }
            if flags & StreamNode.deletedFlag != 0 { seenDeleted += 1 } else { seenValid += 1 }
        }
        guard cursor == nil, seenValid == valid, seenDeleted == deleted else { throw bad }
        return UInt64(valid)
    }
}
