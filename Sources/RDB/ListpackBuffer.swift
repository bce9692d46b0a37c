/// A listpack that is edited in place, byte for byte as listpack.c keeps
/// one: what a stream node holds in memory and writes to RDB as it is.
/// Positions are byte offsets of entries; 6 is the first, `end` the 0xFF.
public struct ListpackBuffer: Equatable, Sendable {
    public private(set) var bytes: [UInt8]

    public enum Element: Equatable {
        case integer(Int64)
        case string(Range<Int>)
    }

    public init(capacity: Int = 0) {
        bytes = [7, 0, 0, 0, 0, 0, 0xFF]
        bytes.reserveCapacity(capacity)
    }

    /// A listpack read from RDB, checked entry by entry.
    public init(validating blob: [UInt8]) throws(RDBError) {
        _ = try Listpack.decode(blob)
        bytes = blob
    }

    public var byteCount: Int { bytes.count }
    public var end: Int { bytes.count - 1 }
    public var first: Int? { bytes.count > 7 ? 6 : nil }

    /// lpShrinkToFit: a full node gives back what was reserved for growth.
    public mutating func shrinkToFit() {
        // Array(bytes) and Array(bytes[...]) would keep the buffer; this allocates to size.
        let old = bytes
        bytes = [UInt8](unsafeUninitializedCapacity: old.count) { buffer, count in
            _ = buffer.initialize(from: old)
            count = old.count
        }
    }

    public func next(_ position: Int) -> Int? {
        let following = position + entrySize(position)
        return following < end ? following : nil
    }

    public func previous(_ position: Int) -> Int? {
        guard position > 6 else { return nil }
        var index = position - 1
        var size = 0
        var shift = 0
        while true {
            let byte = bytes[index]
            size |= Int(byte & 127) << shift
            if byte & 128 == 0 { break }
            shift += 7
            index -= 1
        }
        return position - size - Listpack.backLengthSize(size)
    }

    public var last: Int? { first == nil ? nil : previous(end) }

    /// The element's encoding and payload, without its back-length.
    private func encodedSize(_ p: Int) -> Int {
        let first = bytes[p]
        if first & 0x80 == 0 { return 1 }
        if first & 0xC0 == 0x80 { return 1 + Int(first & 0x3F) }
        if first & 0xE0 == 0xC0 { return 2 }
        if first & 0xF0 == 0xE0 { return 2 + (Int(first & 0x0F) << 8 | Int(bytes[p + 1])) }
        switch first {
        case 0xF0: return 5 + (Int(bytes[p + 1]) | Int(bytes[p + 2]) << 8 | Int(bytes[p + 3]) << 16 | Int(bytes[p + 4]) << 24)
        case 0xF1: return 3
        case 0xF2: return 4
        case 0xF3: return 5
        default: return 9
        }
    }

    public func entrySize(_ p: Int) -> Int {
        let size = encodedSize(p)
        return size + Listpack.backLengthSize(size)
    }

    public func element(_ p: Int) -> Element {
        let first = bytes[p]
        func readLE(_ count: Int) -> Int64 {
            var value: UInt64 = 0
            for offset in 0..<count { value |= UInt64(bytes[p + 1 + offset]) << UInt64(8 * offset) }
            let shift = UInt64(64 - 8 * count)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        if first & 0x80 == 0 { return .integer(Int64(first)) }
        if first & 0xC0 == 0x80 { return .string((p + 1)..<(p + 1 + Int(first & 0x3F))) }
        if first & 0xE0 == 0xC0 {
            let raw = UInt16(first & 0x1F) << 8 | UInt16(bytes[p + 1])
            return .integer(Int64(Int16(bitPattern: raw << 3) >> 3))
        }
        if first & 0xF0 == 0xE0 {
            let length = Int(first & 0x0F) << 8 | Int(bytes[p + 1])
            return .string((p + 2)..<(p + 2 + length))
        }
        switch first {
        case 0xF0:
            let length = encodedSize(p) - 5
            return .string((p + 5)..<(p + 5 + length))
        case 0xF1: return .integer(readLE(2))
        case 0xF2: return .integer(readLE(3))
        case 0xF3: return .integer(readLE(4))
        default: return .integer(readLE(8))
        }
    }

    /// lpGetInteger: stream metadata is always stored as integers.
    public func integer(_ p: Int) -> Int64 {
        switch element(p) {
        case .integer(let value): return value
        case .string(let range): return Int64(String(decoding: bytes[range], as: UTF8.self)) ?? 0
        }
    }

    /// The element's bytes as a client sees them (integers in decimal).
    public func value(_ p: Int) -> [UInt8] {
        switch element(p) {
        case .integer(let value): return Array(String(value).utf8)
        case .string(let range): return Array(bytes[range])
        }
    }

    public func equals(_ p: Int, _ other: [UInt8]) -> Bool {
        other.withUnsafeBytes { equals(p, $0) }
    }

    public func equals(_ p: Int, _ other: UnsafeRawBufferPointer) -> Bool {
        switch element(p) {
        case .integer(let value): return Listpack.canonicalInteger(other) == value
        case .string(let range): return range.count == other.count && bytes[range].elementsEqual(other)
        }
    }

    /// Entries go in before the end byte, written in place.
    public mutating func append(_ value: Int64) {
        bytes.removeLast()
        let start = bytes.count
        Listpack.appendInteger(value, to: &bytes)
        appended(from: start)
    }

    /// lpAppend: a string in canonical decimal form is stored as an integer.
    public mutating func append(_ element: [UInt8]) {
        element.withUnsafeBytes { append($0) }
    }

    public mutating func append(_ element: UnsafeRawBufferPointer) {
        if let value = Listpack.canonicalInteger(element) { return append(value) }
        bytes.removeLast()
        let start = bytes.count
        let count = element.count
        if count < 64 {
            bytes.append(0x80 | UInt8(count))
        } else if count < 4096 {
            bytes.append(0xE0 | UInt8(count >> 8))
            bytes.append(UInt8(count & 0xFF))
        } else {
            bytes.append(0xF0)
            for offset in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: count >> (8 * offset))) }
        }
        bytes.append(contentsOf: element)
        appended(from: start)
    }

    private mutating func appended(from start: Int) {
        Listpack.appendBackLength(bytes.count - start, to: &bytes)
        bytes.append(0xFF)
        writeHeader(count: storedCount == 65535 ? 65535 : storedCount + 1)
    }

    /// lpReplaceInteger: the entry at `p` now holds `value` (its size may change).
    public mutating func replaceInteger(at p: Int, with value: Int64) {
        // The common case, a small count or a flag: one byte for another, in place.
        if value >= 0 && value <= 127 && bytes[p] & 0x80 == 0 {
            bytes[p] = UInt8(value)
            return
        }
        var entry: [UInt8] = []
        Listpack.appendInteger(value, to: &entry)
        Listpack.appendBackLength(entry.count, to: &entry)
        bytes.replaceSubrange(p..<(p + entrySize(p)), with: entry)
        writeHeader(count: storedCount)
    }

    private var storedCount: Int { Int(bytes[4]) | Int(bytes[5]) << 8 }

    private mutating func writeHeader(count: Int) {
        let total = UInt32(bytes.count)
        for offset in 0..<4 { bytes[offset] = UInt8(truncatingIfNeeded: total >> (8 * offset)) }
        // Past 65534 elements the count is "unknown", as LP_HDR_NUMELE_UNKNOWN says.
        let stored = UInt16(min(count, 65535))
        bytes[4] = UInt8(stored & 0xFF)
        bytes[5] = UInt8(stored >> 8)
    }
}
