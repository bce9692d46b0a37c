/// A hash: a listpack (insertion-ordered pairs, linear search) while it has at
/// most hash-max-listpack-entries fields of at most hash-max-listpack-value
/// bytes, as redis-server keeps it, then a hash table for good.
final class HashValue {
    enum Storage {
        case listpack([(field: [UInt8], value: [UInt8])])
        case table(KeyTable<[UInt8]>)
    }

    var storage: Storage

    init() { storage = .listpack([]) }

    var count: Int {
        switch storage {
        case .listpack(let pairs): pairs.count
        case .table(let table): table.count
        }
    }

    var encodingName: String {
        if case .listpack = storage { return "listpack" }
        return "hashtable"
    }

    func get(_ field: UnsafeRawBufferPointer) -> [UInt8]? {
        switch storage {
        case .listpack(let pairs):
            return pairs.first { bytesEqual($0.field, field) }?.value
        case .table(let table):
            return table.find(field).map { table[value: $0] }
        }
    }

    func get(_ field: [UInt8]) -> [UInt8]? { field.withUnsafeBytes { get($0) } }

    /// set(_:_:limits:seed:) that copies only the value when the field exists.
    func set(_ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, limits: EncodingLimits, seed: UInt64) -> Bool {
        switch storage {
        case .listpack(var pairs) where value.count <= limits.hashValue:
            guard let index = pairs.firstIndex(where: { bytesEqual($0.field, field) }) else { break }
            storage = .listpack([])  // drop the enum's reference so `pairs` is mutated in place
            pairs[index].value = Array(value)
            storage = .listpack(pairs)
            return false
        case .table(var table):
            guard let index = table.find(field) else { break }
            storage = .listpack([])
            table[value: index] = Array(value)
            storage = .table(table)
            return false
        default:
            break
        }
        return set(Array(field), Array(value), limits: limits, seed: seed)
    }

    /// Sets a field; returns true when the field is new.
    @discardableResult
    func set(_ field: [UInt8], _ value: [UInt8], limits: EncodingLimits, seed: UInt64) -> Bool {
        if case .listpack = storage, field.count > limits.hashValue || value.count > limits.hashValue {
            convert(seed: seed)
        }
        switch storage {
        case .listpack(var pairs):
            storage = .listpack([])  // drop the enum's reference so `pairs` is mutated in place
            var added = false
            if let index = pairs.firstIndex(where: { $0.field == field }) {
                pairs[index].value = value
            } else {
                pairs.append((field, value))
                added = true
            }
            storage = .listpack(pairs)
            if pairs.count > limits.hashEntries { convert(seed: seed) }
            return added
        case .table(var table):
            storage = .listpack([])
            defer { storage = .table(table) }
            if let index = table.find(field) {
                table[value: index] = value
                return false
            }
            table.insert(field, value)
            return true
        }
    }

    /// Removes a field; returns true if it was there.
    func remove(_ field: [UInt8]) -> Bool {
        switch storage {
        case .listpack(var pairs):
            guard let index = pairs.firstIndex(where: { $0.field == field }) else { return false }
            storage = .listpack([])
            pairs.remove(at: index)
            storage = .listpack(pairs)
            return true
        case .table(var table):
            guard let index = table.find(field) else { return false }
            storage = .listpack([])
            table.remove(at: index)
            storage = .table(table)
            return true
        }
    }

    /// Fields and values in the order HGETALL returns them.
    var pairs: [(field: [UInt8], value: [UInt8])] {
        switch storage {
        case .listpack(let pairs): pairs
        case .table(let table): (0..<table.count).map { (table.key(at: $0), table.values[$0]) }
        }
    }

    private func convert(seed: UInt64) {
        guard case .listpack(let pairs) = storage else { return }
        var table = KeyTable<[UInt8]>(seed: seed)
        for pair in pairs { table.insert(pair.field, pair.value) }
        storage = .table(table)
    }
}

/// The encoding thresholds of redis.conf (hash-max-listpack-entries, ...).
public struct EncodingLimits: Sendable {
    public var hashEntries = 128
    public var hashValue = 64
    public var setIntsetEntries = 512
    public var zsetEntries = 128
    public var zsetValue = 64

    public init() {}
}
