/// MEMORY USAGE: an estimate of the bytes a key and its value take.
enum MemoryEstimate {
    static func bytes(key: [UInt8], value: Value) -> Int {
        let overhead = 56 + key.count
        switch value {
        case .string(let string): return overhead + (string.count <= 44 ? 16 : string.count)
        case .list(let list): return overhead + list.items.reduce(0) { $0 + $1.count + 11 } + 32
        case .hash(let hash): return overhead + hash.pairs.reduce(0) { $0 + $1.field.count + $1.value.count + 24 }
        case .set(let set): return overhead + set.members.reduce(0) { $0 + $1.count + 16 }
        case .zset(let zset): return overhead + zset.allEntries.reduce(0) { $0 + $1.member.count + 40 }
        }
    }
}
