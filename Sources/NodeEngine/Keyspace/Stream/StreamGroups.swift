/// A pending entry: delivered to a consumer, not yet acknowledged (streamNACK).
final class StreamPending {
    /// nil only while an RDB file is read (its consumers come after the group's PEL) or XCLAIM FORCE creates it.
    var consumer: StreamConsumer?
    var deliveryTime: Int64
    var deliveryCount: UInt64

    init(consumer: StreamConsumer?, deliveryTime: Int64, deliveryCount: UInt64 = 1) {
        self.consumer = consumer
        self.deliveryTime = deliveryTime
        self.deliveryCount = deliveryCount
    }
}

final class StreamConsumer {
    let name: [UInt8]
    var seenTime: Int64
    /// The consumer's own PEL: the same StreamPending objects as the group's.
    var pending = SortedIDMap<StreamPending>()

    init(name: [UInt8], seenTime: Int64) {
        self.name = name
        self.seenTime = seenTime
    }
}

final class StreamGroup {
    /// SCG_INVALID_ENTRIES_READ.
    static let invalidEntriesRead: Int64 = -1

    let name: [UInt8]
    var lastID: StreamID
    var entriesRead: Int64
    var pending = SortedIDMap<StreamPending>()
    /// By name, in the radix tree's byte order.
    private(set) var consumers: [StreamConsumer] = []

    init(name: [UInt8], lastID: StreamID, entriesRead: Int64) {
        self.name = name
        self.lastID = lastID
        self.entriesRead = entriesRead
    }

    private func position(_ name: [UInt8]) -> Int { sortedPosition(consumers, name, \.name) }

    func consumer(_ name: [UInt8]) -> StreamConsumer? {
        let index = position(name)
        return index < consumers.count && consumers[index].name == name ? consumers[index] : nil
    }

    /// streamCreateConsumer: nil when one of that name exists.
    func addConsumer(_ name: [UInt8], now: Int64) -> StreamConsumer? {
        let index = position(name)
        if index < consumers.count && consumers[index].name == name { return nil }
        let consumer = StreamConsumer(name: name, seenTime: now)
        consumers.insert(consumer, at: index)
        return consumer
    }

    /// streamDelConsumer: its pending entries leave the group's PEL too.
    func removeConsumer(_ consumer: StreamConsumer) {
        for id in consumer.pending.ids { pending.remove(id) }
        let index = position(consumer.name)
        if index < consumers.count && consumers[index] === consumer { consumers.remove(at: index) }
    }

    /// Acknowledges `id`: out of both PELs.
    @discardableResult
    func acknowledge(_ id: StreamID) -> Bool {
        guard let entry = pending.remove(id) else { return false }
        entry.consumer?.pending.remove(id)
        return true
    }
}

/// A stream's consumer groups, by name in the radix tree's byte order.
struct StreamGroups {
    private(set) var all: [StreamGroup] = []

    var count: Int { all.count }

    private func position(_ name: [UInt8]) -> Int { sortedPosition(all, name, \.name) }

    subscript(name: [UInt8]) -> StreamGroup? {
        let index = position(name)
        return index < all.count && all[index].name == name ? all[index] : nil
    }

    /// streamCreateCG: nil when the name is taken.
    mutating func add(_ name: [UInt8], lastID: StreamID, entriesRead: Int64) -> StreamGroup? {
        let index = position(name)
        if index < all.count && all[index].name == name { return nil }
        let group = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead)
        all.insert(group, at: index)
        return group
    }

    @discardableResult
    mutating func remove(_ name: [UInt8]) -> Bool {
        let index = position(name)
        guard index < all.count && all[index].name == name else { return false }
        all.remove(at: index)
        return true
    }
}

/// Where `name` is or would go among `items` kept in the radix tree's byte order.
func sortedPosition<T>(_ items: [T], _ name: [UInt8], _ key: (T) -> [UInt8]) -> Int {
    var low = 0, high = items.count
    while low < high {
        let middle = (low + high) / 2
        if key(items[middle]).lexicographicallyPrecedes(name) { low = middle + 1 } else { high = middle }
    }
    return low
}
