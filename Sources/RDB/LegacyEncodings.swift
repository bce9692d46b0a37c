/// The blobs older Redis versions wrote and 7.0 still loads: intsets (also
/// written by 7.0), ziplists and zipmaps.
public enum Intset {
    public static func encode(_ sorted: [Int64]) -> [UInt8] {
        let width: Int = sorted.allSatisfy { Int64(Int16.min)...Int64(Int16.max) ~= $0 } ? 2
            : sorted.allSatisfy { Int64(Int32.min)...Int64(Int32.max) ~= $0 } ? 4 : 8
        var blob = [UInt8]()
        for (value, count) in [(UInt64(width), 4), (UInt64(sorted.count), 4)] {
            for offset in 0..<count { blob.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * offset))) }
        }
        for value in sorted {
            let raw = UInt64(bitPattern: value)
            for offset in 0..<width { blob.append(UInt8(truncatingIfNeeded: raw >> UInt64(8 * offset))) }
        }
        return blob
    }

    public static func decode(_ blob: [UInt8]) throws(RDBError) -> [Int64] {
        guard blob.count >= 8 else { throw .malformed("intset shorter than its header") }
        func le(_ at: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for offset in 0..<count { value |= UInt64(blob[at + offset]) << UInt64(8 * offset) }
            return value
        }
        let width = Int(le(0, 4)), count = Int(le(4, 4))
        guard [2, 4, 8].contains(width), blob.count == 8 + width * count else { throw .malformed("intset of width \(width) and \(count) values in \(blob.count) bytes") }
        var values: [Int64] = []
        for index in 0..<count {
            let raw = le(8 + index * width, width)
            let shift = UInt64(64 - width * 8)
            values.append(Int64(bitPattern: raw << shift) >> Int64(shift))
        }
        guard zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .malformed("intset values out of order") }
        return values
    }
}

public enum Ziplist {
    public static func decode(_ blob: [UInt8]) throws(RDBError) -> [[UInt8]] {
        guard blob.count >= 11, blob.last == 0xFF else { throw .malformed("ziplist without header or end byte") }
        var index = 10
        var entries: [[UInt8]] = []
        func need(_ count: Int) throws(RDBError) { guard index + count <= blob.count - 1 else { throw .malformed("ziplist entry runs past the end") } }
        func le(_ count: Int) -> UInt64 { (0..<count).reduce(UInt64(0)) { $0 | UInt64(blob[index + $1]) << UInt64(8 * $1) } }
        while blob[index] != 0xFF {
            try need(1)
            index += blob[index] == 0xFE ? 5 : 1  // the previous entry's length
            try need(1)
            let encoding = blob[index]
            switch encoding >> 6 {
            case 0, 1, 2:
                // A string: its length in the encoding byte's 6 bits, 14 bits, or the 4 bytes after it.
                let header = [1, 2, 5][Int(encoding >> 6)]
                try need(header)
                let length = switch encoding >> 6 {
                case 0: Int(encoding & 0x3F)
                case 1: Int(encoding & 0x3F) << 8 | Int(blob[index + 1])
                default: (1...4).reduce(0) { $0 << 8 | Int(blob[index + $1]) }
                }
                index += header
                try need(length)
                entries.append(Array(blob[index..<(index + length)]))
                index += length
            default:
                index += 1
                let value: Int64
                switch encoding {
                case 0xC0: try need(2); value = Int64(Int16(truncatingIfNeeded: le(2))); index += 2
                case 0xD0: try need(4); value = Int64(Int32(truncatingIfNeeded: le(4))); index += 4
                case 0xE0: try need(8); value = Int64(bitPattern: le(8)); index += 8
                case 0xF0: try need(3); value = Int64(bitPattern: le(3) << 40) >> 40; index += 3
                case 0xFE: try need(1); value = Int64(Int8(bitPattern: blob[index])); index += 1
                case 0xF1...0xFD: value = Int64(encoding & 0x0F) - 1
                default: throw .malformed("ziplist entry encoding 0x\(String(encoding, radix: 16))")
                }
                entries.append(Array(String(value).utf8))
            }
            guard index < blob.count else { throw .malformed("ziplist without its end byte") }
        }
        return entries
    }
}

public enum Zipmap {
    /// Field, value, field, value ... of a zipmap (Redis 2.x hashes).
    public static func decode(_ blob: [UInt8]) throws(RDBError) -> [[UInt8]] {
        guard !blob.isEmpty else { throw .malformed("empty zipmap") }
        var index = 1
        var items: [[UInt8]] = []
        func length() throws(RDBError) -> Int {
            guard index < blob.count else { throw .malformed("zipmap runs past the end") }
            let first = Int(blob[index])
            if first < 254 { index += 1; return first }
            guard first == 254, index + 5 <= blob.count else { throw .malformed("zipmap length") }
            let value = (1...4).reduce(0) { $0 | Int(blob[index + $1]) << (8 * ($1 - 1)) }
            index += 5
            return value
        }
        while index < blob.count && blob[index] != 255 {
            let keyLength = try length()
            guard index + keyLength <= blob.count else { throw .malformed("zipmap key runs past the end") }
            items.append(Array(blob[index..<(index + keyLength)]))
            index += keyLength
            let valueLength = try length()
            guard index < blob.count else { throw .malformed("zipmap runs past the end") }
            let free = Int(blob[index])
            index += 1
            guard index + valueLength + free <= blob.count else { throw .malformed("zipmap value runs past the end") }
            items.append(Array(blob[index..<(index + valueLength)]))
            index += valueLength + free
        }
        guard items.count % 2 == 0 else { throw .malformed("zipmap with a field and no value") }
        return items
    }
}
