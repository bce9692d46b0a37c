/// A sorted set: a listpack (a sorted array, linear updates) while it has at
/// most zset-max-listpack-entries members of at most zset-max-listpack-value
/// bytes, then a skiplist plus a member -> score table, as redis-server keeps it.
final class ZSetValue {
    struct Entry {
        var member: [UInt8]
        var score: Double
    }

    enum Storage {
        case listpack([Entry])
        case skiplist(ZSkipList, KeyTable<Double>)
    }

    var storage: Storage

    init() { storage = .listpack([]) }

    var count: Int {
        switch storage {
        case .listpack(let entries): entries.count
        case .skiplist(let list, _): list.count
        }
    }

    var encodingName: String {
        if case .listpack = storage { return "listpack" }
        return "skiplist"
    }

    func score(_ member: [UInt8]) -> Double? {
        member.withUnsafeBytes { score($0) }
    }

    func score(_ member: UnsafeRawBufferPointer) -> Double? {
        switch storage {
        case .listpack(let entries): return entries.first { bytesEqual($0.member, member) }?.score
        case .skiplist(_, let table): return table.find(member).map { table[value: $0] }
        }
    }

    /// Sets a member's score; returns whether it was added (false: updated or unchanged).
    @discardableResult
    func set(_ member: [UInt8], _ score: Double, limits: EncodingLimits, seed: UInt64, random: inout SplitMix64Generator) -> Bool {
        if case .listpack = storage, member.count > limits.zsetValue { convert(seed: seed, random: &random) }
        switch storage {
        case .listpack(var entries):
            storage = .listpack([])
            var added = true
            if let index = entries.firstIndex(where: { $0.member == member }) {
                added = false
                if entries[index].score == score {
                    storage = .listpack(entries)
                    return false
                }
                entries.remove(at: index)
            }
            let position = Self.insertionPoint(entries, score, member)
            entries.insert(Entry(member: member, score: score), at: position)
            storage = .listpack(entries)
            if entries.count > limits.zsetEntries { convert(seed: seed, random: &random) }
            return added
        case .skiplist(var list, var table):
            storage = .listpack([])
            defer { storage = .skiplist(list, table) }
            if let index = table.find(member) {
                let old = table[value: index]
                if old == score { return false }
                list.delete(score: old, member: member)
                list.insert(score: score, member: member, using: &random)
                table[value: index] = score
                return false
            }
            list.insert(score: score, member: member, using: &random)
            table.insert(member, score)
            return true
        }
    }

    @discardableResult
    func remove(_ member: [UInt8]) -> Bool {
        switch storage {
        case .listpack(var entries):
            guard let index = entries.firstIndex(where: { $0.member == member }) else { return false }
            storage = .listpack([])
            entries.remove(at: index)
            storage = .listpack(entries)
            return true
        case .skiplist(var list, var table):
            guard let index = table.find(member) else { return false }
            storage = .listpack([])
            list.delete(score: table[value: index], member: member)
            table.remove(at: index)
            storage = .skiplist(list, table)
            return true
        }
    }

    /// 0-based rank in ascending order.
    func rank(_ member: [UInt8]) -> Int? {
        switch storage {
        case .listpack(let entries): return entries.firstIndex { $0.member == member }
        case .skiplist(let list, let table):
            guard let index = table.find(member) else { return nil }
            return list.rank(score: table[value: index], member: member) - 1
        }
    }

    /// Elements of ascending ranks `range` (0-based), in ascending order.
    func entries(_ range: Range<Int>) -> [Entry] {
        guard !range.isEmpty else { return [] }
        switch storage {
        case .listpack(let entries): return Array(entries[range])
        case .skiplist(let list, _):
            var result: [Entry] = []
            result.reserveCapacity(range.count)
            var node = list.node(atRank: range.lowerBound + 1)
            while let current = node, result.count < range.count {
                result.append(Entry(member: current.member, score: current.score))
                node = current.forward[0]
            }
            return result
        }
    }

    /// How many elements come before the first one `isAtOrAfter` accepts
    /// (a predicate monotonic in the set's order).
    func countBefore(_ isAtOrAfter: (Double, [UInt8]) -> Bool) -> Int {
        switch storage {
        case .listpack(let entries):
            var low = 0, high = entries.count
            while low < high {
                let middle = (low + high) / 2
                if isAtOrAfter(entries[middle].score, entries[middle].member) { high = middle } else { low = middle + 1 }
            }
            return low
        case .skiplist(let list, _):
            return list.countBefore { isAtOrAfter($0.score, $0.member) }
        }
    }

    var allEntries: [Entry] { entries(0..<count) }

    private func convert(seed: UInt64, random: inout SplitMix64Generator) {
        guard case .listpack(let entries) = storage else { return }
        var list = ZSkipList()
        var table = KeyTable<Double>(seed: seed)
        for entry in entries {
            list.insert(score: entry.score, member: entry.member, using: &random)
            table.insert(entry.member, entry.score)
        }
        storage = .skiplist(list, table)
    }

    static func insertionPoint(_ entries: [Entry], _ score: Double, _ member: [UInt8]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if ZSkipList.precedes(entries[middle].score, entries[middle].member, score, member) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func copy(random: inout SplitMix64Generator) -> ZSetValue {
        let copy = ZSetValue()
        switch storage {
        case .listpack(let entries): copy.storage = .listpack(entries)
        case .skiplist(_, let table):
            var list = ZSkipList()
            for index in 0..<table.count { list.insert(score: table.values[index], member: table.key(at: index), using: &random) }
            copy.storage = .skiplist(list, table)
        }
        return copy
    }
}
