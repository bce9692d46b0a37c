import ClusterModel

/// Splits the 16384 slots among masters exactly as redis-cli does, down to its
/// single-precision float arithmetic, so rcluster and the reference agree on
/// every range (3 masters: 0-5460, 5461-10922, 10923-16383).
public enum SlotAllocator {
    public static func ranges(masterCount: Int) -> [SlotRange] {
        precondition(masterCount > 0 && masterCount <= HashSlot.count)
        let slotsPerNode = Float(HashSlot.count) / Float(masterCount)
        var ranges: [SlotRange] = []
        var first = 0
        var cursor: Float = 0
        for index in 0..<masterCount {
            // lround() on the float, promoted to double as C does.
            var last = Int(Double(cursor + slotsPerNode - 1).rounded(.toNearestOrAwayFromZero))
            if last > HashSlot.count || index == masterCount - 1 { last = HashSlot.count - 1 }
            if last < first { last = first }
            ranges.append(SlotRange(first, last))
            first = last + 1
            cursor += slotsPerNode
        }
        return ranges
    }
}
