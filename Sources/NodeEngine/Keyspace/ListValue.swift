import DequeModule

/// A list. Redis 7.0 encodes every list as a quicklist.
final class ListValue {
    var items: Deque<[UInt8]>

    init(_ items: Deque<[UInt8]> = []) { self.items = items }

    var count: Int { items.count }

    /// A negative index counts from the tail; nil when out of range.
    func resolve(_ index: Int64) -> Int? {
        let resolved = index < 0 ? Int64(items.count) + index : index
        return resolved >= 0 && resolved < Int64(items.count) ? Int(resolved) : nil
    }
}
