/// One of the 16384 hash slots of a Redis Cluster.
public struct HashSlot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let count = 16384
    public static let all = 0...(count - 1)

    public let rawValue: Int

    public init?(_ rawValue: Int) {
        guard HashSlot.all.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The slot of a key, honouring hash tags: when the key holds a `{...}` with at
    /// least one byte inside, only those bytes are hashed, so related keys can share a slot.
    public init<Key: Collection>(key: Key) where Key.Element == UInt8 {
        let hashed = HashSlot.hashedPart(of: Array(key))
        rawValue = Int(CRC16.checksum(hashed) & 0x3FFF)
    }

    public init(key: String) {
        self.init(key: Array(key.utf8))
    }

    static func hashedPart(of key: [UInt8]) -> ArraySlice<UInt8> {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let afterOpen = key.index(after: open)
        guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close > afterOpen else {
            return key[...]
        }
        return key[afterOpen..<close]
    }

    /// The slot of a key given as raw bytes (same rule as init(key:)).
    public static func slot(of key: UnsafeRawBufferPointer) -> Int {
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
           let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1 {
            return Int(CRC16.checksum(UnsafeRawBufferPointer(rebasing: key[(open + 1)..<close])) & 0x3FFF)
        }
        return Int(CRC16.checksum(key) & 0x3FFF)
    }

    public static func < (lhs: HashSlot, rhs: HashSlot) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}
