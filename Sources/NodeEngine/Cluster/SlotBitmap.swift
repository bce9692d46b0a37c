import ClusterModel

/// 16384 bits, slot s at byte s/8, bit s%8 from the least significant: the
/// layout of the bus header's myslots and of UPDATE messages.
public struct SlotBitmap: Equatable, Sendable {
    public private(set) var bytes: [UInt8]

    public init() { bytes = [UInt8](repeating: 0, count: HashSlot.count / 8) }

    public init?(bytes: [UInt8]) {
        guard bytes.count == HashSlot.count / 8 else { return nil }
        self.bytes = bytes
    }

    public subscript(slot: Int) -> Bool {
        get { bytes[slot >> 3] & (1 << UInt8(slot & 7)) != 0 }
        set {
            if newValue { bytes[slot >> 3] |= 1 << UInt8(slot & 7) } else { bytes[slot >> 3] &= ~(1 << UInt8(slot & 7)) }
        }
    }

    public var count: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }
    public var isEmpty: Bool { bytes.allSatisfy { $0 == 0 } }
}
