/// One numbered database: its keys and their expiry times.
final class Database {
    var table: KeyTable<Value>
    /// Keys with a time to live, and when they expire (Unix ms).
    var expires: KeyTable<Int64>

    init(seed: UInt64, indexesSlots: Bool = false) {
        table = KeyTable(seed: seed, indexesSlots: indexesSlots)
        expires = KeyTable(seed: seed &+ 1)
    }

    var count: Int { table.count }

    func expireTime(_ key: [UInt8]) -> Int64? {
        expires.find(key).map { expires[value: $0] }
    }

    func setExpire(_ key: [UInt8], at time: Int64) {
        if let index = expires.find(key) { expires[value: index] = time } else { expires.insert(key, time) }
    }

    @discardableResult
    func removeExpire(_ key: [UInt8]) -> Bool {
        guard let index = expires.find(key) else { return false }
        expires.remove(at: index)
        return true
    }

    /// Removes a key and its expiry; returns its value.
    @discardableResult
    func remove(_ key: [UInt8]) -> Value? {
        guard let index = table.find(key) else { return nil }
        if !expires.isEmpty { removeExpire(key) }
        return table.remove(at: index).value
    }

    func removeAll() {
        table.removeAll()
        expires.removeAll()
    }
}
