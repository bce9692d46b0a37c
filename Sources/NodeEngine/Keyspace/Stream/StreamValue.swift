import RDB

/// One node of a stream: a listpack of entries delta-encoded against its
/// master ID, as t_stream.c lays it out:
/// count | deleted | num-fields | field... | 0, then per entry
/// flags | ms-diff | seq-diff | [num-fields | field value...] or (SAMEFIELDS) value... | lp-count.
final class StreamNode {
    let master: StreamID
    var listpack: ListpackBuffer
    /// Bytes allocated up front for the tail node (lpNew's preallocation), 0 once it is shrunk.
    var reserved: Int

    init(master: StreamID, listpack: ListpackBuffer, reserved: Int = 0) {
        self.master = master
        self.listpack = listpack
        self.reserved = reserved
    }

    /// What the allocator holds for the listpack (zmalloc_size).
    var allocatedBytes: Int { Swift.max(reserved, listpack.byteCount) }

    static let deletedFlag: Int64 = 1, sameFieldsFlag: Int64 = 2

    var validCount: Int64 { listpack.integer(6) }
    var deletedCount: Int64 { listpack.integer(listpack.next(6)!) }

    /// The master fields' position and count, and where the entries begin.
    var masterFields: (at: Int, count: Int, entriesAt: Int?) {
        let lp = listpack
        let numFields = lp.next(lp.next(6)!)!
        let count = Int(lp.integer(numFields))
        var p = lp.next(numFields)!
        let first = p
        for _ in 0..<count { p = lp.next(p)! }
        return (first, count, lp.next(p))
    }

    /// Every entry of the node, tombstones included, in ID order.
    func entries() -> [StreamEntry] {
        var found: [StreamEntry] = []
        forEachEntry { found.append($0); return true }
        return found
    }

    /// The entries in ID order, read as they are reached, until `body` returns false.
    @inline(__always)
    func forEachEntry(_ body: (StreamEntry) -> Bool) {
        let lp = listpack
        let master = masterFields
        var cursor = master.entriesAt
        while let flagsAt = cursor {
            let flags = lp.integer(flagsAt)
            let msAt = lp.next(flagsAt)!, seqAt = lp.next(msAt)!
            let id = StreamID(ms: self.master.ms &+ UInt64(bitPattern: lp.integer(msAt)), seq: self.master.seq &+ UInt64(bitPattern: lp.integer(seqAt)))
            var p = lp.next(seqAt)!
            let sameFields = flags & Self.sameFieldsFlag != 0
            let fieldCount: Int
            if sameFields {
                fieldCount = master.count
            } else {
                fieldCount = Int(lp.integer(p))
                p = lp.next(p)!
            }
            if !body(StreamEntry(id: id, flagsAt: flagsAt, flags: flags, fieldCount: fieldCount, fieldsAt: p, masterFieldsAt: master.at)) { return }
            // Past the fields and values to the lp-count, then to the next entry.
            var lpCount = p
            for _ in 0..<(sameFields ? fieldCount : fieldCount * 2) { lpCount = lp.next(lpCount)! }
            cursor = lp.next(lpCount)
        }
    }

    /// The listpack positions of an entry's fields and values, in order
    /// (a SAMEFIELDS entry's field names are the master entry's).
    func forEachElement(_ entry: StreamEntry, _ body: (Int) -> Void) {
        let lp = listpack
        var p = entry.fieldsAt
        var masterField = entry.masterFieldsAt
        let sameFields = entry.flags & Self.sameFieldsFlag != 0
        for index in 0..<entry.fieldCount {
            let last = index == entry.fieldCount - 1
            if sameFields {
                body(masterField)
                if !last { masterField = lp.next(masterField)! }
            } else {
                body(p)
                p = lp.next(p)!
            }
            body(p)
            if !last { p = lp.next(p)! }
        }
    }

    /// The entry's pairs straight from the listpack into a reply.
    func writePairs(_ entry: StreamEntry, into reply: inout ReplyBuffer) {
        let lp = listpack
        reply.array(entry.fieldCount * 2)
        forEachElement(entry) { position in
            switch lp.element(position) {
            case .integer(let value): reply.bulk(value)
            case .string(let range): lp.bytes.withUnsafeBytes { reply.bulk(UnsafeRawBufferPointer(rebasing: $0[range])) }
            }
        }
    }

    /// The field-value pairs of an entry, flat.
    func pairs(_ entry: StreamEntry) -> [[UInt8]] {
        var pairs: [[UInt8]] = []
        pairs.reserveCapacity(entry.fieldCount * 2)
        forEachElement(entry) { pairs.append(listpack.value($0)) }
        return pairs
    }

    /// lpGetEdgeStreamID(last): the node's last entry, a tombstone or not.
    var lastEntryID: StreamID? { entries().last?.id }
}

/// An entry as found in a node's listpack.
struct StreamEntry {
    let id: StreamID
    let flagsAt: Int
    let flags: Int64
    let fieldCount: Int
    let fieldsAt: Int
    let masterFieldsAt: Int

    var isDeleted: Bool { flags & StreamNode.deletedFlag != 0 }
}

/// A stream (OBJECT ENCODING "stream"): nodes ordered by master ID (the
/// radix tree of t_stream.c), the stream's counters, and its consumer groups.
final class StreamValue {
    var nodes: [StreamNode] = []
    var length: UInt64 = 0
    var lastID = StreamID.zero
    var firstID = StreamID.zero
    var maxDeletedID = StreamID.zero
    var entriesAdded: UInt64 = 0
    var groups = StreamGroups()

    /// STREAM_LISTPACK_MAX_SIZE: a listpack never grows past 1 GB.
    static let listpackMaxSize = 1 << 30

    struct NodeLimits {
        var maxBytes: Int
        var maxEntries: Int
    }

    /// The last node whose master ID is at most `id`, if any.
    func nodeIndex(atOrBefore id: StreamID) -> Int? {
        var low = 0, high = nodes.count
        while low < high {
            let middle = (low + high) / 2
            if nodes[middle].master <= id { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    enum AppendError: Error { case notGreater, tooLarge }

    /// streamAppendItem: `pairs` is field, value, field, value...
    func append(_ pairs: some StreamFieldSource, id: StreamID, limits: NodeLimits) throws(AppendError) {
        guard id > lastID else { throw .notGreater }
        var total = 0
        for index in 0..<pairs.elementCount { total += pairs.elementLength(index) }
        guard total <= Self.listpackMaxSize else { throw .tooLarge }
        let fieldCount = pairs.elementCount / 2
        let maxBytes = limits.maxBytes == 0 || limits.maxBytes > Self.listpackMaxSize ? Self.listpackMaxSize : limits.maxBytes
        var node = nodes.last
        if let tail = node {
            let full = tail.listpack.byteCount + total >= maxBytes
                || (limits.maxEntries > 0 && tail.validCount + tail.deletedCount >= Int64(limits.maxEntries))
            if full {
                tail.listpack.shrinkToFit()
                tail.reserved = 0
                node = nil
            }
        }
        var flags: Int64 = 0
        let target: StreamNode
        if let node {
            target = node
            target.listpack.replaceInteger(at: 6, with: target.validCount + 1)
            let master = target.masterFields
            if master.count == fieldCount {
                var p = master.at
                var same = true
                for index in 0..<fieldCount {
                    if !pairs.withElement(index * 2, { target.listpack.equals(p, $0) }) { same = false; break }
                    p = target.listpack.next(p) ?? p
                }
                if same { flags |= StreamNode.sameFieldsFlag }
            }
        } else {
            let reserve = limits.maxBytes > 0 && limits.maxBytes < 4096 ? limits.maxBytes : 4096
            var lp = ListpackBuffer(capacity: reserve)
            lp.append(1)
            lp.append(0)
            lp.append(Int64(fieldCount))
            for index in 0..<fieldCount { pairs.withElement(index * 2) { lp.append($0) } }
            lp.append(0)
            target = StreamNode(master: id, listpack: lp, reserved: reserve)
            nodes.append(target)
            flags |= StreamNode.sameFieldsFlag
        }
        let sameFields = flags & StreamNode.sameFieldsFlag != 0
        target.listpack.append(flags)
        target.listpack.append(Int64(bitPattern: id.ms &- target.master.ms))
        target.listpack.append(Int64(bitPattern: id.seq &- target.master.seq))
        if !sameFields { target.listpack.append(Int64(fieldCount)) }
        for index in 0..<fieldCount {
            if !sameFields { pairs.withElement(index * 2) { target.listpack.append($0) } }
            pairs.withElement(index * 2 + 1) { target.listpack.append($0) }
        }
        target.listpack.append(Int64(fieldCount + 3 + (sameFields ? 0 : fieldCount + 1)))
        length += 1
        entriesAdded += 1
        lastID = id
        if length == 1 { firstID = id }
    }

    /// streamIterator: entries from `start` to `end` inclusive, in order or
    /// reversed, tombstones skipped unless asked; `body` returns false to stop.
    func forEach(from start: StreamID, to end: StreamID, reverse: Bool = false, tombstones: Bool = false,
                 _ body: (StreamNode, StreamEntry) -> Bool) {
        if !reverse {
            var index = nodeIndex(atOrBefore: start) ?? 0
            var stopped = false
            while index < nodes.count && !stopped {
                let node = nodes[index]
                node.forEachEntry { entry in
                    guard entry.id >= start && (tombstones || !entry.isDeleted) else { return true }
                    if entry.id > end || !body(node, entry) { stopped = true }
                    return !stopped
                }
                index += 1
            }
        } else {
            guard var index = nodeIndex(atOrBefore: end) else { return }
            while index >= 0 {
                let node = nodes[index]
                for entry in node.entries().reversed() where entry.id <= end && (tombstones || !entry.isDeleted) {
                    if entry.id < start { return }
                    if !body(node, entry) { return }
                }
                index -= 1
            }
        }
    }

    /// streamGetEdgeID: the first or last entry's ID, or the far end when none.
    func edgeID(first: Bool, tombstones: Bool = false) -> StreamID {
        var found: StreamID?
        forEach(from: .zero, to: .max, reverse: !first, tombstones: tombstones) { _, entry in
            found = entry.id
            return false
        }
        return found ?? (first ? .max : .zero)
    }

    /// streamLastValidID.
    var lastValidID: StreamID? {
        var found: StreamID?
        forEach(from: .zero, to: .max, reverse: true) { _, entry in
            found = entry.id
            return false
        }
        return found
    }

    func exists(_ id: StreamID) -> Bool {
        var found = false
        forEach(from: id, to: id) { _, _ in
            found = true
            return false
        }
        return found
    }

    /// The entry's pairs, when it exists and is not deleted.
    func pairs(of id: StreamID) -> [[UInt8]]? {
        var pairs: [[UInt8]]?
        forEach(from: id, to: id) { node, entry in
            pairs = node.pairs(entry)
            return false
        }
        return pairs
    }

    /// streamDeleteItem: the entry is flagged deleted, or its node goes when it was the last one.
    func delete(_ id: StreamID) -> Bool {
        guard let index = nodeIndex(atOrBefore: id) else { return false }
        let node = nodes[index]
        guard let entry = node.entries().first(where: { $0.id == id && !$0.isDeleted }) else { return false }
        node.listpack.replaceInteger(at: entry.flagsAt, with: entry.flags | StreamNode.deletedFlag)
        let valid = node.validCount
        if valid == 1 {
            nodes.remove(at: index)
        } else {
            node.listpack.replaceInteger(at: 6, with: valid - 1)
            let deletedAt = node.listpack.next(6)!
            node.listpack.replaceInteger(at: deletedAt, with: node.listpack.integer(deletedAt) + 1)
        }
        length -= 1
        return true
    }

    enum TrimStrategy {
        case maxLength(UInt64)
        case minID(StreamID)
    }

    /// streamTrim: whole nodes from the head, then (unless approximate)
    /// entries inside the next node; `limit` caps the entries removed (0: none).
    func trim(_ strategy: TrimStrategy, approximate: Bool, limit: Int64) -> Int64 {
        var deleted: Int64 = 0
        while let node = nodes.first {
            if case .maxLength(let maxLength) = strategy, length <= maxLength { break }
            let entries = node.validCount
            if limit > 0 && deleted + entries > limit { break }
            let removeNode: Bool
            switch strategy {
            case .maxLength(let maxLength): removeNode = length - UInt64(entries) >= maxLength
            case .minID(let minID): removeNode = (node.lastEntryID ?? .zero) < minID
            }
            if removeNode {
                nodes.removeFirst()
                length -= UInt64(entries)
                deleted += entries
                continue
            }
            if approximate { break }
            var deletedHere: Int64 = 0
            for entry in node.entries() {
                let stop: Bool
                switch strategy {
                case .maxLength(let maxLength): stop = length <= maxLength
                case .minID(let minID): stop = entry.id >= minID
                }
                if stop { break }
                if !entry.isDeleted {
                    // Flags 0..3 keep their one-byte size, so later positions stay valid.
                    node.listpack.replaceInteger(at: entry.flagsAt, with: entry.flags | StreamNode.deletedFlag)
                    deletedHere += 1
                    length -= 1
                }
            }
            deleted += deletedHere
            node.listpack.replaceInteger(at: 6, with: entries - deletedHere)
            let deletedAt = node.listpack.next(6)!
            node.listpack.replaceInteger(at: deletedAt, with: node.listpack.integer(deletedAt) + deletedHere)
            break
        }
        if length == 0 {
            firstID = .zero
        } else if deleted > 0 {
            firstID = edgeID(first: true)
        }
        return deleted
    }
}

/// Where XADD's field-value pairs come from: the request itself (no copy), or arrays.
protocol StreamFieldSource {
    var elementCount: Int { get }
    func elementLength(_ index: Int) -> Int
    func withElement<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T
}

struct ArgumentFields: StreamFieldSource {
    let arguments: Arguments
    let first: Int

    var elementCount: Int { arguments.count - first }
    func elementLength(_ index: Int) -> Int { arguments.length(first + index) }
    func withElement<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T { arguments.withBytes(first + index, body) }
}

extension Array: StreamFieldSource where Element == [UInt8] {
    var elementCount: Int { count }
    func elementLength(_ index: Int) -> Int { self[index].count }
    func withElement<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T { self[index].withUnsafeBytes(body) }
}
