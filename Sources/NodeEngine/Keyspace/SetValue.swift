/// A set: an intset (sorted integers) while every member is an integer and
/// there are at most set-max-intset-entries, then a hash table for good.
final class SetValue {
    enum Storage {
        case intset([Int64])
        case table(KeyTable<Void>)
    }

    var storage: Storage

    init() { storage = .intset([]) }

    var count: Int {
        switch storage {
        case .intset(let values): values.count
        case .table(let table): table.count
        }
    }

    var encodingName: String {
        if case .intset = storage { return "intset" }
        return "hashtable"
    }

    func contains(_ member: [UInt8]) -> Bool {
        switch storage {
        case .intset(let values):
            guard let value = RedisInteger.parse(member) else { return false }
            return Self.search(values, value).found
        case .table(let table):
            return table.find(member) != nil
        }
    }

    /// add(_:limits:seed:) that copies the member only when it is new.
    func add(_ member: UnsafeRawBufferPointer, limits: EncodingLimits, seed: UInt64) -> Bool {
        if case .table(let table) = storage, table.find(member) != nil { return false }
        return add(Array(member), limits: limits, seed: seed)
    }

    /// Adds a member; returns true when it is new.
    @discardableResult
    func add(_ member: [UInt8], limits: EncodingLimits, seed: UInt64) -> Bool {
        if case .intset(var values) = storage {
            if let value = RedisInteger.parse(member) {
                let (found, position) = Self.search(values, value)
                if found { return false }
                if values.count + 1 <= limits.setIntsetEntries {
                    storage = .intset([])
                    values.insert(value, at: position)
                    storage = .intset(values)
                    return true
                }
            }
            convert(seed: seed)
        }
        guard case .table(var table) = storage else { return false }
        if table.find(member) != nil { return false }
        storage = .intset([])
        table.insert(member, ())
        storage = .table(table)
        return true
    }

    @discardableResult
    func remove(_ member: [UInt8]) -> Bool {
        switch storage {
        case .intset(var values):
            guard let value = RedisInteger.parse(member) else { return false }
            let (found, position) = Self.search(values, value)
            guard found else { return false }
            storage = .intset([])
            values.remove(at: position)
            storage = .intset(values)
            return true
        case .table(var table):
            guard let index = table.find(member) else { return false }
            storage = .intset([])
            table.remove(at: index)
            storage = .table(table)
            return true
        }
    }

    /// Members in SMEMBERS order (ascending for an intset).
    var members: [[UInt8]] {
        switch storage {
        case .intset(let values): values.map(RedisInteger.bytes)
        case .table(let table): table.keys
        }
    }

    func member(at index: Int) -> [UInt8] {
        switch storage {
        case .intset(let values): RedisInteger.bytes(values[index])
        case .table(let table): table.key(at: index)
        }
    }

    private func convert(seed: UInt64) {
        guard case .intset(let values) = storage else { return }
        var table = KeyTable<Void>(seed: seed)
        for value in values { table.insert(RedisInteger.bytes(value), ()) }
        storage = .table(table)
    }

    static func search(_ values: [Int64], _ value: Int64) -> (found: Bool, position: Int) {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < value { low = middle + 1 } else { high = middle }
        }
        return (low < values.count && values[low] == value, low)
    }
}
