/// A stream as RDB_TYPE_STREAM_LISTPACKS_2 (19) stores it: its nodes'
/// listpacks as they are, keyed by 16-byte big-endian master IDs, the
/// stream's counters, and its consumer groups with their PELs.
public struct RDBStream: Equatable, Sendable {
    public struct ID: Equatable, Sendable {
        public var ms: UInt64
        public var seq: UInt64
        public init(ms: UInt64, seq: UInt64) { self.ms = ms; self.seq = seq }
    }

    public struct Node: Equatable, Sendable {
        public var key: [UInt8]
        public var listpack: [UInt8]
        public init(key: [UInt8], listpack: [UInt8]) { self.key = key; self.listpack = listpack }
    }

    public struct Pending: Equatable, Sendable {
        public var id: [UInt8]
        public var deliveryTime: Int64
        public var deliveryCount: UInt64
        public init(id: [UInt8], deliveryTime: Int64, deliveryCount: UInt64) {
            self.id = id; self.deliveryTime = deliveryTime; self.deliveryCount = deliveryCount
        }
    }

    public struct Consumer: Equatable, Sendable {
        public var name: [UInt8]
        public var seenTime: Int64
        public var pending: [[UInt8]]
        public init(name: [UInt8], seenTime: Int64, pending: [[UInt8]]) { self.name = name; self.seenTime = seenTime; self.pending = pending }
    }

    public struct Group: Equatable, Sendable {
        public var name: [UInt8]
        public var lastID: ID
        /// -1 (unknown) is stored as its 64-bit pattern, as rdbSaveLen writes a long long.
        public var entriesRead: Int64
        public var pending: [Pending]
        public var consumers: [Consumer]
        public init(name: [UInt8], lastID: ID, entriesRead: Int64, pending: [Pending], consumers: [Consumer]) {
            self.name = name; self.lastID = lastID; self.entriesRead = entriesRead; self.pending = pending; self.consumers = consumers
        }
    }

    public var nodes: [Node]
    public var length: UInt64
    public var lastID: ID
    public var firstID: ID
    public var maxDeletedID: ID
    public var entriesAdded: UInt64
    public var groups: [Group]
    /// Read from the older type 15, which has no first/max-deleted IDs, entries-added or entries-read.
    public var isLegacy = false

    public init(nodes: [Node], length: UInt64, lastID: ID, firstID: ID, maxDeletedID: ID, entriesAdded: UInt64, groups: [Group]) {
        self.nodes = nodes; self.length = length; self.lastID = lastID; self.firstID = firstID
        self.maxDeletedID = maxDeletedID; self.entriesAdded = entriesAdded; self.groups = groups
    }
}

extension RDBObjectReader {
    mutating func readStream(legacy: Bool) throws(RDBError) -> RDBStream {
        var nodes: [RDBStream.Node] = []
        for _ in 0..<(try readCount()) {
            let key = try readString()
            guard key.count == 16 else { throw .malformed("Stream node key entry is not the size of a stream ID") }
            let listpack = try readString()
            guard nodes.last.map({ $0.key.lexicographicallyPrecedes(key) }) ?? true else { throw .malformed("Listpack re-added with existing key") }
            nodes.append(RDBStream.Node(key: key, listpack: listpack))
        }
        let length = try readUInt64()
        let lastID = RDBStream.ID(ms: try readUInt64(), seq: try readUInt64())
        var stream = RDBStream(nodes: nodes, length: length, lastID: lastID, firstID: .init(ms: 0, seq: 0),
                               maxDeletedID: .init(ms: 0, seq: 0), entriesAdded: length, groups: [])
        stream.isLegacy = legacy
        if !legacy {
            stream.firstID = RDBStream.ID(ms: try readUInt64(), seq: try readUInt64())
            stream.maxDeletedID = RDBStream.ID(ms: try readUInt64(), seq: try readUInt64())
            stream.entriesAdded = try readUInt64()
        }
        if length > 0 && nodes.isEmpty { throw .malformed("Stream length inconsistent with rax entries") }
        for _ in 0..<(try readCount()) {
            let name = try readString()
            let groupLast = RDBStream.ID(ms: try readUInt64(), seq: try readUInt64())
            let entriesRead = legacy ? -1 : Int64(bitPattern: try readUInt64())
            var pending: [RDBStream.Pending] = []
            for _ in 0..<(try readCount()) {
                let id = try bytes(16)
                let time = Int64(bitPattern: littleEndian(try bytes(8)))
                pending.append(RDBStream.Pending(id: id, deliveryTime: time, deliveryCount: try readUInt64()))
            }
            var consumers: [RDBStream.Consumer] = []
            for _ in 0..<(try readCount()) {
                let consumerName = try readString()
                let seen = Int64(bitPattern: littleEndian(try bytes(8)))
                var ids: [[UInt8]] = []
                for _ in 0..<(try readCount()) { ids.append(try bytes(16)) }
                consumers.append(RDBStream.Consumer(name: consumerName, seenTime: seen, pending: ids))
            }
            stream.groups.append(RDBStream.Group(name: name, lastID: groupLast, entriesRead: entriesRead, pending: pending, consumers: consumers))
        }
        return stream
    }

    /// rdbLoadLen's full 64-bit range (IDs and counters).
    mutating func readUInt64() throws(RDBError) -> UInt64 {
        let first = try byte()
        switch first >> 6 {
        case 0: return UInt64(first & 0x3F)
        case 1: return UInt64(first & 0x3F) << 8 | UInt64(try byte())
        case 2:
            if first == 0x80 { return try bytes(4).reduce(0) { $0 << 8 | UInt64($1) } }
            if first == 0x81 { return try bytes(8).reduce(0) { $0 << 8 | UInt64($1) } }
            throw .malformed("length prefix 0x\(String(first, radix: 16))")
        default: throw .malformed("an encoded string where a number belongs")
        }
    }
}

extension RDBObjectWriter {
    mutating func writeStream(_ stream: RDBStream) {
        writeLength(stream.nodes.count)
        for node in stream.nodes {
            writeString(node.key)
            writeString(node.listpack)
        }
        for value in [stream.length, stream.lastID.ms, stream.lastID.seq, stream.firstID.ms, stream.firstID.seq,
                      stream.maxDeletedID.ms, stream.maxDeletedID.seq, stream.entriesAdded] { writeLength(value) }
        writeLength(stream.groups.count)
        for group in stream.groups {
            writeString(group.name)
            writeLength(group.lastID.ms)
            writeLength(group.lastID.seq)
            writeLength(UInt64(bitPattern: group.entriesRead))
            writeLength(group.pending.count)
            for entry in group.pending {
                bytes += entry.id
                withUnsafeBytes(of: entry.deliveryTime.littleEndian) { bytes += $0 }
                writeLength(entry.deliveryCount)
            }
            writeLength(group.consumers.count)
            for consumer in group.consumers {
                writeString(consumer.name)
                withUnsafeBytes(of: consumer.seenTime.littleEndian) { bytes += $0 }
                writeLength(consumer.pending.count)
                for id in consumer.pending { bytes += id }
            }
        }
    }

    public mutating func writeLength(_ length: UInt64) {
        if length <= UInt64(UInt32.max) { return writeLength(Int(length)) }
        bytes.append(0x81)
        withUnsafeBytes(of: length.bigEndian) { bytes += $0 }
    }
}
