import DequeModule
import RDB

/// Values to and from their RDB form (DUMP, RESTORE, MIGRATE; later
/// replication and persistence): the encoding follows OBJECT ENCODING, and
/// a restored value takes the encoding 7.0 would give it at this node's
/// thresholds.
extension Value {
    var rdbValue: RDBValue {
        switch self {
        case .string(let string): return .string(string.bytes)
        case .list(let list): return .list(Array(list.items))
        case .set(let set): return .set(set.members, encoding: set.encodingName == "intset" ? .intset : .hashtable)
        case .hash(let hash):
            return .hash(hash.pairs, encoding: hash.encodingName == "listpack" ? .listpack : .table)
        case .zset(let zset):
            return .sortedSet(zset.allEntries.map { ($0.member, $0.score) }, encoding: zset.encodingName == "listpack" ? .listpack : .table)
        case .stream(let stream):
            return .stream(stream.rdbStream)
        }
    }

    init(rdb: RDBValue, limits: EncodingLimits, seed: UInt64, random: inout SplitMix64Generator) throws(RDBError) {
        switch rdb {
        case .string(let bytes):
            self = .string(.encoded(bytes))
        case .list(let items):
            self = .list(ListValue(Deque(items)))
        case .set(let members, _):
            let set = SetValue()
            for member in members { set.add(member, limits: limits, seed: seed) }
            self = .set(set)
        case .hash(let pairs, _):
            let hash = HashValue()
            for pair in pairs { hash.set(pair.field, pair.value, limits: limits, seed: seed) }
            self = .hash(hash)
        case .sortedSet(let entries, _):
            let zset = ZSetValue()
            for entry in entries { zset.set(entry.member, entry.score, limits: limits, seed: seed, random: &random) }
            self = .zset(zset)
        case .stream(let record):
            self = .stream(try StreamValue.restored(record))
        }
    }
}
