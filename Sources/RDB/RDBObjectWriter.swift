/// Writes one value as an RDB object (rdbSaveObjectType + rdbSaveObject),
/// in the encodings redis-server 7.0 picks.
public struct RDBObjectWriter {
    public internal(set) var bytes: [UInt8] = []
    /// rdbcompression: strings over 20 bytes are stored LZF-compressed when that saves 4 bytes or more.
    public var compression = true
    /// list-max-listpack-size -2: quicklist nodes of up to 8 KB.
    public var listNodeBytes = 8192

    public init() {}

    /// An object: its type byte, then its value (a DUMP payload's body).
    public mutating func write(_ value: RDBValue) {
        write(value, key: nil)
    }

    /// An RDB file's entry: type byte, key, value.
    public mutating func write(_ value: RDBValue, key: [UInt8]?) {
        let typeAt = bytes.count
        bytes.append(0)  // the type, known once the encoding is chosen
        if let key { writeString(key) }
        bytes[typeAt] = writeBody(value)
    }

    /// Writes the value and returns its RDB type.
    private mutating func writeBody(_ value: RDBValue) -> UInt8 {
        switch value {
        case .string(let string):
            writeString(string)
            return RDBType.string
        case .list(let items):
            var nodes: [[[UInt8]]] = [[]]
            var size = 0
            for item in items {
                if !nodes[nodes.count - 1].isEmpty && size + item.count + 11 > listNodeBytes {
                    nodes.append([])
                    size = 0
                }
                nodes[nodes.count - 1].append(item)
                size += item.count + 11
            }
            if items.isEmpty { nodes = [] }
            writeLength(nodes.count)
            for node in nodes {
                writeLength(2)  // QUICKLIST_NODE_CONTAINER_PACKED
                writeString(Listpack.encode(node))
            }
            return RDBType.listQuicklist2
        case .set(let members, let encoding):
            if encoding == .intset, let values = members.map(Listpack.canonicalInteger) as? [Int64] {
                writeString(Intset.encode(values.sorted()))
                return RDBType.setIntset
            }
            writeLength(members.count)
            for member in members { writeString(member) }
            return RDBType.set
        case .hash(let pairs, let encoding):
            if encoding == .listpack {
                writeString(Listpack.encode(pairs.flatMap { [$0.field, $0.value] }))
                return RDBType.hashListpack
            }
            writeLength(pairs.count)
            for pair in pairs {
                writeString(pair.field)
                writeString(pair.value)
            }
            return RDBType.hash
        case .sortedSet(let unordered, let encoding):
            // Ascending by score, then member, as the skiplist and listpack keep them.
            let entries = unordered.sorted { $0.score != $1.score ? $0.score < $1.score : $0.member.lexicographicallyPrecedes($1.member) }
            if encoding == .listpack {
                writeString(Listpack.encode(entries.flatMap { [$0.member, Self.scoreText($0.score)] }))
                return RDBType.zsetListpack
            }
            writeLength(entries.count)
            for entry in entries.reversed() {  // highest score first, as zsl is walked from its tail
                writeString(entry.member)
                withUnsafeBytes(of: entry.score.bitPattern.littleEndian) { bytes += $0 }
            }
            return RDBType.zset2
        case .stream(let stream):
            writeStream(stream)
            return RDBType.streamListpacks2
        }
    }

    /// d2string: an integral score in range as an integer, else %.17g.
    static func scoreText(_ score: Double) -> [UInt8] {
        if score.isInfinite { return Array((score > 0 ? "inf" : "-inf").utf8) }
        if score == score.rounded(), abs(score) < 9.007199254740992e15 { return Array(String(Int64(score)).utf8) }
        return Array(format17g(score).utf8)
    }

    static func format17g(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, 64, "%.17g", $0) }
        return String(cString: buffer)
    }

    // MARK: Lengths and strings

    public mutating func writeLength(_ length: Int) {
        switch length {
        case ..<64: bytes.append(UInt8(length))
        case ..<16384: bytes += [0x40 | UInt8(length >> 8), UInt8(length & 0xFF)]
        case ...Int(UInt32.max):
            bytes.append(0x80)
            withUnsafeBytes(of: UInt32(length).bigEndian) { bytes += $0 }
        default:
            bytes.append(0x81)
            withUnsafeBytes(of: UInt64(length).bigEndian) { bytes += $0 }
        }
    }

    /// rdbSaveRawString: small canonical integers as INT8/16/32, long
    /// strings LZF-compressed when it pays, the rest as they are.
    public mutating func writeString(_ string: [UInt8]) {
        if string.count <= 11, let value = Listpack.canonicalInteger(string) {
            switch value {
            case Int64(Int8.min)...Int64(Int8.max):
                bytes += [0xC0, UInt8(bitPattern: Int8(value))]
                return
            case Int64(Int16.min)...Int64(Int16.max):
                bytes.append(0xC1)
                withUnsafeBytes(of: Int16(value).littleEndian) { bytes += $0 }
                return
            case Int64(Int32.min)...Int64(Int32.max):
                bytes.append(0xC2)
                withUnsafeBytes(of: Int32(value).littleEndian) { bytes += $0 }
                return
            default: break
            }
        }
        if compression && string.count > 20, let packed = LZF.compress(string), packed.count + 4 <= string.count {
            bytes.append(0xC3)
            writeLength(packed.count)
            writeLength(string.count)
            bytes += packed
            return
        }
        writeLength(string.count)
        bytes += string
    }
}

#if canImport(Glibc)
import Glibc
#endif
