/// A value as an RDB payload holds it: the data, and the encoding it is
/// written in (the RDB object type), as redis-server 7.0 chooses it.
public enum RDBValue: Equatable, Sendable {
    case string([UInt8])
    case list([[UInt8]])
    case set([[UInt8]], encoding: SetEncoding)
    case hash([(field: [UInt8], value: [UInt8])], encoding: CollectionEncoding)
    case sortedSet([(member: [UInt8], score: Double)], encoding: CollectionEncoding)
    case stream(RDBStream)

    public enum SetEncoding: Sendable { case intset, hashtable }
    /// listpack for small hashes and sorted sets, else the hash table / skiplist form.
    public enum CollectionEncoding: Sendable { case listpack, table }

    public static func == (lhs: RDBValue, rhs: RDBValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.set(let a, let x), .set(let b, let y)): a == b && x == y
        case (.hash(let a, let x), .hash(let b, let y)): x == y && a.elementsEqual(b) { $0.field == $1.field && $0.value == $1.value }
        case (.sortedSet(let a, let x), .sortedSet(let b, let y)):
            x == y && a.elementsEqual(b) { $0.member == $1.member && ($0.score == $1.score || ($0.score.isNaN && $1.score.isNaN)) }
        case (.stream(let a), .stream(let b)): a == b
        default: false
        }
    }
}

/// Why an RDB payload cannot be read ("Bad data format" to a client).
public enum RDBError: Error, Equatable, CustomStringConvertible {
    case truncated
    case unsupportedType(UInt8)
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: "the payload ends inside a value"
        case .unsupportedType(let type): "RDB object type \(type) is not supported"
        case .malformed(let what): what
        }
    }
}

/// RDB object type bytes (rdb.h).
enum RDBType {
    static let string: UInt8 = 0, list: UInt8 = 1, set: UInt8 = 2, zset: UInt8 = 3, hash: UInt8 = 4, zset2: UInt8 = 5
    static let hashZipmap: UInt8 = 9, listZiplist: UInt8 = 10, setIntset: UInt8 = 11, zsetZiplist: UInt8 = 12
    static let hashZiplist: UInt8 = 13, listQuicklist: UInt8 = 14, hashListpack: UInt8 = 16, zsetListpack: UInt8 = 17
    static let listQuicklist2: UInt8 = 18, streamListpacks: UInt8 = 15, streamListpacks2: UInt8 = 19
}
