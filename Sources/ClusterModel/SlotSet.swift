/// A set of hash slots stored as a 16384-bit bitmap.
public struct SlotSet: Hashable, Sendable, Sequence {
    private var words = [UInt64](repeating: 0, count: HashSlot.count / 64)

    public init() {}

    public init<Ranges: Sequence>(ranges: Ranges) where Ranges.Element == SlotRange {
        for range in ranges { insert(range) }
    }

    public static var full: SlotSet { SlotSet(ranges: [SlotRange(0, HashSlot.count - 1)]) }

    public mutating func insert(_ slot: Int) {
        words[slot >> 6] |= 1 << UInt64(slot & 63)
    }

    public mutating func insert(_ range: SlotRange) {
        for slot in range.slots { insert(slot) }
    }

    public mutating func remove(_ slot: Int) {
        words[slot >> 6] &= ~(1 << UInt64(slot & 63))
    }

    public func contains(_ slot: Int) -> Bool {
        words[slot >> 6] & (1 << UInt64(slot & 63)) != 0
    }

    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    public func union(_ other: SlotSet) -> SlotSet {
        var result = self
        for index in result.words.indices { result.words[index] |= other.words[index] }
        return result
    }

    public func intersection(_ other: SlotSet) -> SlotSet {
        var result = self
        for index in result.words.indices { result.words[index] &= other.words[index] }
        return result
    }

    public func subtracting(_ other: SlotSet) -> SlotSet {
        var result = self
        for index in result.words.indices { result.words[index] &= ~other.words[index] }
        return result
    }

    /// The slots as the fewest contiguous ranges, lowest first.
    public var ranges: [SlotRange] {
        var result: [SlotRange] = []
        var start: Int?
        for slot in HashSlot.all {
            if contains(slot) {
                if start == nil { start = slot }
            } else if let first = start {
                result.append(SlotRange(first, slot - 1))
                start = nil
            }
        }
        if let first = start { result.append(SlotRange(first, HashSlot.count - 1)) }
        return result
    }

    public func makeIterator() -> some IteratorProtocol<Int> {
        HashSlot.all.lazy.filter { self.contains($0) }.makeIterator()
    }
}
