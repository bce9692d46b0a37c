/// Reads one RDB object (rdbLoadObjectType + rdbLoadObject) of any type
/// 7.0 writes or still accepts.
public struct RDBObjectReader {
    let data: [UInt8]
    public private(set) var offset: Int

    public init(_ data: [UInt8], offset: Int = 0) {
        self.data = data
        self.offset = offset
    }

    public var isAtEnd: Bool { offset >= data.count }

    public mutating func readObject() throws(RDBError) -> RDBValue {
        try readObject(ofType: try byte())
    }

    /// The object after its type byte (an RDB file puts the key in between).
    public mutating func readObject(ofType type: UInt8) throws(RDBError) -> RDBValue {
        switch type {
        case RDBType.string:
            return .string(try readString())
        case RDBType.list:
            return .list(try (0..<readCount()).map { _ throws(RDBError) in try readString() })
        case RDBType.set:
            return .set(try (0..<readCount()).map { _ throws(RDBError) in try readString() }, encoding: .hashtable)
        case RDBType.zset, RDBType.zset2:
            var entries: [(member: [UInt8], score: Double)] = []
            for _ in 0..<(try readCount()) {
                let member = try readString()
                entries.append((member, type == RDBType.zset2 ? try readBinaryDouble() : try readTextDouble()))
            }
            return .sortedSet(entries, encoding: .table)
        case RDBType.hash:
            var pairs: [(field: [UInt8], value: [UInt8])] = []
            for _ in 0..<(try readCount()) { pairs.append((try readString(), try readString())) }
            return .hash(pairs, encoding: .table)
        case RDBType.hashZipmap:
            return .hash(try pairs(Zipmap.decode(try readString())), encoding: .listpack)
        case RDBType.listZiplist:
            return .list(try Ziplist.decode(try readString()))
        case RDBType.setIntset:
            return .set(try Intset.decode(try readString()).map { Array(String($0).utf8) }, encoding: .intset)
        case RDBType.zsetZiplist:
            return .sortedSet(try scored(Ziplist.decode(try readString())), encoding: .listpack)
        case RDBType.hashZiplist:
            return .hash(try pairs(Ziplist.decode(try readString())), encoding: .listpack)
        case RDBType.listQuicklist, RDBType.listQuicklist2:
            var items: [[UInt8]] = []
            for _ in 0..<(try readCount()) {
                if type == RDBType.listQuicklist {
                    items += try Ziplist.decode(try readString())
                    continue
                }
                let container = try readCount()
                let blob = try readString()
                switch container {
                case 1: items.append(blob)  // PLAIN: one large element as it is
                case 2:
                    let entries = try Listpack.decode(blob)
                    guard !entries.isEmpty else { throw .malformed("empty quicklist node") }
                    items += entries.map(\.bytes)
                default: throw .malformed("quicklist node container \(container)")
                }
            }
            return .list(items)
        case RDBType.hashListpack:
            return .hash(try pairs(Listpack.decode(try readString()).map(\.bytes)), encoding: .listpack)
        case RDBType.zsetListpack:
            return .sortedSet(try scored(Listpack.decode(try readString()).map(\.bytes)), encoding: .listpack)
        case RDBType.streamListpacks, RDBType.streamListpacks2:
            return .stream(try readStream(legacy: type == RDBType.streamListpacks))
        default:
            throw .unsupportedType(type)
        }
    }

    private func pairs(_ flat: [[UInt8]]) throws(RDBError) -> [(field: [UInt8], value: [UInt8])] {
        guard flat.count % 2 == 0 else { throw .malformed("a field without its value") }
        return stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) }
    }

    private func scored(_ flat: [[UInt8]]) throws(RDBError) -> [(member: [UInt8], score: Double)] {
        guard flat.count % 2 == 0 else { throw .malformed("a member without its score") }
        var entries: [(member: [UInt8], score: Double)] = []
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let score = Self.parseScore(flat[index + 1]) else { throw .malformed("score '\(String(decoding: flat[index + 1], as: UTF8.self))'") }
            entries.append((flat[index], score))
        }
        return entries
    }

    static func parseScore(_ text: [UInt8]) -> Double? {
        let string = String(decoding: text, as: UTF8.self)
        switch string.lowercased() {
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard let value = Double(string), !value.isNaN else { return nil }
            return value
        }
    }

    // MARK: Primitives

    mutating func byte() throws(RDBError) -> UInt8 {
        guard offset < data.count else { throw .truncated }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func bytes(_ count: Int) throws(RDBError) -> [UInt8] {
        guard count >= 0, count <= data.count - offset else { throw .truncated }
        defer { offset += count }
        return Array(data[offset..<(offset + count)])
    }

    /// A length, and whether it is one of the special string encodings.
    mutating func readLength() throws(RDBError) -> (value: Int, special: Bool) {
        let first = try byte()
        switch first >> 6 {
        case 0: return (Int(first & 0x3F), false)
        case 1: return (Int(first & 0x3F) << 8 | Int(try byte()), false)
        case 2:
            if first == 0x80 { return (try bytes(4).reduce(0) { $0 << 8 | Int($1) }, false) }
            if first == 0x81 {
                let value = try bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                guard value <= UInt64(Int.max) else { throw .malformed("length \(value)") }
                return (Int(value), false)
            }
            throw .malformed("length prefix 0x\(String(first, radix: 16))")
        default: return (Int(first & 0x3F), true)
        }
    }

    mutating func readCount() throws(RDBError) -> Int {
        let (value, special) = try readLength()
        guard !special else { throw .malformed("an encoded string where a count belongs") }
        // Each element takes a byte at least: a larger count is a lie.
        guard value <= data.count - offset + 1 else { throw .truncated }
        return value
    }

    public mutating func readString() throws(RDBError) -> [UInt8] {
        let (value, special) = try readLength()
        guard special else { return try bytes(value) }
        switch value {
        case 0: return Array(String(Int8(bitPattern: try byte())).utf8)
        case 1:
            let raw = try bytes(2)
            return Array(String(Int16(bitPattern: UInt16(raw[0]) | UInt16(raw[1]) << 8)).utf8)
        case 2:
            let raw = try bytes(4)
            return Array(String(Int32(bitPattern: UInt32(truncatingIfNeeded: littleEndian(raw)))).utf8)
        case 3:
            let packedLength = try readCount()
            let (length, lengthSpecial) = try readLength()
            guard !lengthSpecial, length <= 512 * 1024 * 1024 else { throw .malformed("LZF length") }
            guard let plain = LZF.decompress(try bytes(packedLength), length: length) else { throw .malformed("LZF data does not decompress") }
            return plain
        default:
            throw .malformed("string encoding \(value)")
        }
    }

    mutating func readBinaryDouble() throws(RDBError) -> Double {
        let raw = try bytes(8)
        let value = Double(bitPattern: littleEndian(raw))
        guard !value.isNaN else { throw .malformed("NaN score") }
        return value
    }

    /// RDB_TYPE_ZSET's scores: a length byte, 253/254/255 for nan/+inf/-inf.
    mutating func readTextDouble() throws(RDBError) -> Double {
        let length = try byte()
        switch length {
        case 253: throw .malformed("NaN score")
        case 254: return .infinity
        case 255: return -.infinity
        default:
            guard let value = Self.parseScore(try bytes(Int(length))) else { throw .malformed("score") }
            return value
        }
    }
}
