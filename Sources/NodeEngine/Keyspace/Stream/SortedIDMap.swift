/// IDs in order with a value each: a PEL. Sorted chunks keep inserts and
/// removals cheap at any position (acknowledging the oldest entry of a
/// large PEL is the common case), and seeks logarithmic.
struct SortedIDMap<Value> {
    private struct Chunk {
        var keys: [StreamID] = []
        var values: [Value] = []
    }

    private var chunks: [Chunk] = []
    private(set) var count = 0
    private static var chunkLimit: Int { 512 }

    var isEmpty: Bool { count == 0 }
    var first: (id: StreamID, value: Value)? { chunks.first.map { ($0.keys[0], $0.values[0]) } }
    var last: (id: StreamID, value: Value)? { chunks.last.map { ($0.keys[$0.keys.count - 1], $0.values[$0.values.count - 1]) } }

    /// The chunk that holds `id` or would: the last whose first key is at most `id`.
    private func chunkIndex(_ id: StreamID) -> Int {
        var low = 0, high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].keys[0] <= id { low = middle + 1 } else { high = middle }
        }
        return Swift.max(low - 1, 0)
    }

    private static func position(_ keys: [StreamID], _ id: StreamID) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    subscript(id: StreamID) -> Value? {
        guard !chunks.isEmpty else { return nil }
        let chunk = chunks[chunkIndex(id)]
        let index = Self.position(chunk.keys, id)
        return index < chunk.keys.count && chunk.keys[index] == id ? chunk.values[index] : nil
    }

    /// raxTryInsert: false when the ID is there already.
    @discardableResult
    mutating func insert(_ id: StreamID, _ value: Value) -> Bool {
        if chunks.isEmpty {
            chunks = [Chunk(keys: [id], values: [value])]
            count = 1
            return true
        }
        let c = chunkIndex(id)
        let index = Self.position(chunks[c].keys, id)
        if index < chunks[c].keys.count && chunks[c].keys[index] == id { return false }
        chunks[c].keys.insert(id, at: index)
        chunks[c].values.insert(value, at: index)
        count += 1
        if chunks[c].keys.count > Self.chunkLimit * 2 {
            let half = chunks[c].keys.count / 2
            let upper = Chunk(keys: Array(chunks[c].keys[half...]), values: Array(chunks[c].values[half...]))
            chunks[c].keys.removeSubrange(half...)
            chunks[c].values.removeSubrange(half...)
            chunks.insert(upper, at: c + 1)
        }
        return true
    }

    @discardableResult
    mutating func remove(_ id: StreamID) -> Value? {
        guard !chunks.isEmpty else { return nil }
        let c = chunkIndex(id)
        let index = Self.position(chunks[c].keys, id)
        guard index < chunks[c].keys.count, chunks[c].keys[index] == id else { return nil }
        chunks[c].keys.remove(at: index)
        let value = chunks[c].values.remove(at: index)
        if chunks[c].keys.isEmpty { chunks.remove(at: c) }
        count -= 1
        return value
    }

    /// raxSeek(">="): the first entry at or after `id`.
    func entry(atOrAfter id: StreamID) -> (id: StreamID, value: Value)? {
        guard !chunks.isEmpty else { return nil }
        var c = chunkIndex(id)
        while c < chunks.count {
            let index = Self.position(chunks[c].keys, id)
            if index < chunks[c].keys.count { return (chunks[c].keys[index], chunks[c].values[index]) }
            c += 1
        }
        return nil
    }

    /// Entries from `start` on, in order, until `body` returns false. The
    /// map may change inside `body`: each step seeks again.
    func forEach(from start: StreamID = .zero, _ body: (StreamID, Value) -> Bool) {
        var cursor = start
        while let found = entry(atOrAfter: cursor) {
            guard body(found.id, found.value) else { return }
            guard let next = found.id.successor else { return }
            cursor = next
        }
    }

    /// The first `count` entries (all when 0), without building the rest.
    func prefix(_ count: Int) -> [(id: StreamID, value: Value)] {
        var taken: [(id: StreamID, value: Value)] = []
        forEach { id, value in
            taken.append((id, value))
            return count == 0 || taken.count < count
        }
        return taken
    }

    var ids: [StreamID] { chunks.flatMap(\.keys) }
    var all: [(id: StreamID, value: Value)] { chunks.flatMap { zip($0.keys, $0.values).map { ($0, $1) } } }
}
