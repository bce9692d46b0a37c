import ClusterModel

/// Cluster mode's keys by hash slot: the entries of each slot linked through
/// their table indices, so COUNTKEYSINSLOT is one read and GETKEYSINSLOT
/// walks only as many keys as it returns. Ten bytes per key, kept beside the
/// table's own arrays and moved with them.
struct SlotIndex {
    private var heads = [Int32](repeating: -1, count: HashSlot.count)
    private(set) var counts = [Int32](repeating: 0, count: HashSlot.count)
    private var next: [Int32] = []
    private var previous: [Int32] = []
    private var slots: [UInt16] = []

    /// Links the entry just appended to the table (index == current count).
    mutating func append(slot: Int) {
        let index = Int32(next.count)
        let head = heads[slot]
        next.append(head)
        previous.append(-1)
        slots.append(UInt16(slot))
        if head >= 0 { previous[Int(head)] = index }
        heads[slot] = index
        counts[slot] += 1
    }

    /// The table removed entry `index` and moved its last entry there.
    mutating func remove(at index: Int) {
        unlink(index)
        let last = next.count - 1
        if index != last {
            let slot = Int(slots[last])
            let before = previous[last], after = next[last]
            if before >= 0 { next[Int(before)] = Int32(index) } else { heads[slot] = Int32(index) }
            if after >= 0 { previous[Int(after)] = Int32(index) }
            next[index] = after
            previous[index] = before
            slots[index] = UInt16(slot)
        }
        next.removeLast()
        previous.removeLast()
        slots.removeLast()
    }

    private mutating func unlink(_ index: Int) {
        let slot = Int(slots[index])
        let before = previous[index], after = next[index]
        if before >= 0 { next[Int(before)] = after } else { heads[slot] = after }
        if after >= 0 { previous[Int(after)] = before }
        counts[slot] -= 1
    }

    func slot(ofEntry index: Int) -> Int { Int(slots[index]) }

    /// Up to `limit` entry indices of `slot`.
    func entries(inSlot slot: Int, limit: Int) -> [Int] {
        var result: [Int] = []
        var index = heads[slot]
        while index >= 0 && result.count < limit {
            result.append(Int(index))
            index = next[Int(index)]
        }
        return result
    }
}
