import ClusterModel

/// The keyspace's hash table: entries in parallel arrays (keys, values,
/// hashes, chain links, access stamps), buckets as chain heads. Chaining by
/// index keeps an entry to a few words and no allocation of its own, gives
/// O(1) uniform random picks (RANDOMKEY, eviction and expiry sampling), and
/// supports SCAN's reverse-binary cursor, which stays correct across resizes.
struct KeyTable<Value> {
    private var storedKeys: [ByteString] = []
    private(set) var values: [Value] = []
    private var hashes: [UInt64] = []
    private var next: [Int32] = []
    /// LRU clock or LFU counter of each entry (OBJECT IDLETIME/FREQ, eviction).
    var stamps: [UInt32] = []
    private var buckets: [Int32] = Array(repeating: -1, count: 16)
    let seed: UInt64
    /// Cluster mode (the keyspace only): keys by hash slot.
    private(set) var slotIndex: SlotIndex?

    init(seed: UInt64, indexesSlots: Bool = false) {
        self.seed = seed
        if indexesSlots { slotIndex = SlotIndex() }
    }

    var count: Int { storedKeys.count }
    var isEmpty: Bool { storedKeys.isEmpty }

    /// The table's own bytes (MEMORY STATS' overhead.hashtable): its arrays
    /// as allocated, not what the values point to.
    var overheadBytes: Int {
        buckets.capacity * MemoryLayout<Int32>.stride + storedKeys.capacity * MemoryLayout<ByteString>.stride
            + values.capacity * MemoryLayout<Value>.stride + hashes.capacity * 8 + next.capacity * 4 + stamps.capacity * 4
    }

    /// The key of entry `index`, as bytes.
    func key(at index: Int) -> [UInt8] { storedKeys[index].bytes }

    /// Every key, as bytes (SMEMBERS, HGETALL, KEYS: the whole set anyway).
    var keys: [[UInt8]] { storedKeys.map(\.bytes) }
    private var mask: Int { buckets.count - 1 }

    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer) -> Int? {
        let hash = ByteHash.hash(key, seed: seed)
        var index = Int(buckets[Int(truncatingIfNeeded: hash) & mask])
        while index >= 0 {
            if hashes[index] == hash && storedKeys[index].equals(key) { return index }
            index = Int(next[index])
        }
        return nil
    }

    func find(_ key: [UInt8]) -> Int? {
        key.withUnsafeBytes { find($0) }
    }

    subscript(value index: Int) -> Value {
        get { values[index] }
        _modify { yield &values[index] }
    }

    /// Adds a key that is not in the table; returns its index.
    @discardableResult
    mutating func insert(_ key: [UInt8], _ value: Value, stamp: UInt32 = 0) -> Int {
        key.withUnsafeBytes { insert($0, value, stamp: stamp) }
    }

    @discardableResult
    mutating func insert(_ key: UnsafeRawBufferPointer, _ value: Value, stamp: UInt32 = 0) -> Int {
        if storedKeys.count >= buckets.count { resize(to: buckets.count * 2) }
        let hash = ByteHash.hash(key, seed: seed)
        let bucket = Int(truncatingIfNeeded: hash) & mask
        let index = storedKeys.count
        storedKeys.append(ByteString(key))
        values.append(value)
        hashes.append(hash)
        stamps.append(stamp)
        next.append(buckets[bucket])
        buckets[bucket] = Int32(index)
        if slotIndex != nil { slotIndex!.append(slot: HashSlot.slot(of: key)) }
        return index
    }

    /// Removes entry `index`; the last entry takes its place.
    @discardableResult
    mutating func remove(at index: Int) -> (key: [UInt8], value: Value) {
        unlink(index)
        if slotIndex != nil { slotIndex!.remove(at: index) }
        let last = storedKeys.count - 1
        if index != last {
            unlink(last)
            storedKeys.swapAt(index, last)
            values.swapAt(index, last)
            hashes.swapAt(index, last)
            stamps.swapAt(index, last)
            let bucket = Int(truncatingIfNeeded: hashes[index]) & mask
            next[index] = buckets[bucket]
            buckets[bucket] = Int32(index)
        }
        next.removeLast()
        hashes.removeLast()
        stamps.removeLast()
        let removed = (storedKeys.removeLast().bytes, values.removeLast())
        if buckets.count > 64 && storedKeys.count * 8 < buckets.count { resize(to: buckets.count / 4) }
        return removed
    }

    mutating func removeAll() {
        storedKeys = []
        values = []
        hashes = []
        next = []
        stamps = []
        buckets = Array(repeating: -1, count: 16)
        if slotIndex != nil { slotIndex = SlotIndex() }
    }

    /// Takes entry `index` out of its bucket's chain.
    private mutating func unlink(_ index: Int) {
        let bucket = Int(truncatingIfNeeded: hashes[index]) & mask
        if Int(buckets[bucket]) == index {
            buckets[bucket] = next[index]
            return
        }
        var previous = Int(buckets[bucket])
        while Int(next[previous]) != index { previous = Int(next[previous]) }
        next[previous] = next[index]
    }

    private mutating func resize(to size: Int) {
        var newSize = 16
        while newSize < size { newSize <<= 1 }
        buckets = Array(repeating: -1, count: newSize)
        let newMask = newSize - 1
        for index in 0..<storedKeys.count {
            let bucket = Int(truncatingIfNeeded: hashes[index]) & newMask
            next[index] = buckets[bucket]
            buckets[bucket] = Int32(index)
        }
    }

    /// One SCAN step: calls `visit` with the entries of the bucket under the
    /// cursor and returns the next cursor (0 when the walk is complete).
    func scan(cursor: UInt64, _ visit: (Int) -> Void) -> UInt64 {
        let m0 = UInt64(mask)
        var index = Int(buckets[Int(cursor & m0)])
        while index >= 0 {
            visit(index)
            index = Int(next[index])
        }
        var v = cursor | ~m0
        v = v.bitReversed &+ 1
        return v.bitReversed
    }

    func randomIndex<G: RandomNumberGenerator>(using generator: inout G) -> Int? {
        storedKeys.isEmpty ? nil : Int.random(in: 0..<storedKeys.count, using: &generator)
    }
}

extension UInt64 {
    var bitReversed: UInt64 {
        var v = self
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }
}
