/// The listpack blob (listpack.c) that 7.0 stores small hashes, sorted sets
/// and list nodes in: a 6-byte header, entries with their back-lengths, 0xFF.
public enum Listpack {
    public enum Entry: Equatable, Sendable {
        case string([UInt8])
        case integer(Int64)

        public var bytes: [UInt8] {
            switch self {
            case .string(let bytes): bytes
            case .integer(let value): Array(String(value).utf8)
            }
        }
    }

    /// A listpack of these elements, each stored as an integer when it is
    /// one's canonical decimal form (lpStringToInt64), as Redis stores it.
    public static func encode(_ elements: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        for element in elements {
            let start = body.count
            if let value = canonicalInteger(element) {
                appendInteger(value, to: &body)
            } else {
                appendString(element, to: &body)
            }
            appendBackLength(body.count - start, to: &body)
        }
        var blob: [UInt8] = []
        let total = UInt32(6 + body.count + 1)
        blob += withUnsafeBytes(of: total.littleEndian, Array.init)
        let count = UInt16(min(elements.count, 65535))
        blob += withUnsafeBytes(of: count.littleEndian, Array.init)
        return blob + body + [0xFF]
    }

    public static func decode(_ blob: [UInt8]) throws(RDBError) -> [Entry] {
        guard blob.count >= 7 else { throw .malformed("listpack shorter than its header") }
        let total = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard total == blob.count else { throw .malformed("listpack length \(total) differs from its blob (\(blob.count))") }
        var entries: [Entry] = []
        var index = 6
        while true {
            guard index < blob.count else { throw .malformed("listpack without its end byte") }
            let first = blob[index]
            if first == 0xFF { break }
            let start = index
            func need(_ count: Int) throws(RDBError) { guard index + count <= blob.count - 1 else { throw .malformed("listpack entry runs past the end") } }
            func readLE(_ count: Int) -> UInt64 {
                var value: UInt64 = 0
                for offset in 0..<count { value |= UInt64(blob[index + offset]) << UInt64(8 * offset) }
                index += count
                return value
            }
            func signExtend(_ value: UInt64, bits: Int) -> Int64 {
                let shift = 64 - bits
                return Int64(bitPattern: value << UInt64(shift)) >> Int64(shift)
            }
            if first & 0x80 == 0 {
                entries.append(.integer(Int64(first)))
                index += 1
            } else if first & 0xC0 == 0x80 {
                let length = Int(first & 0x3F)
                try need(1 + length)
                entries.append(.string(Array(blob[(index + 1)..<(index + 1 + length)])))
                index += 1 + length
            } else if first & 0xE0 == 0xC0 {
                try need(2)
                let value = UInt64(first & 0x1F) << 8 | UInt64(blob[index + 1])
                entries.append(.integer(signExtend(value, bits: 13)))
                index += 2
            } else if first & 0xF0 == 0xE0 {
                try need(2)
                let length = Int(first & 0x0F) << 8 | Int(blob[index + 1])
                try need(2 + length)
                entries.append(.string(Array(blob[(index + 2)..<(index + 2 + length)])))
                index += 2 + length
            } else {
                index += 1
                switch first {
                case 0xF0:
                    try need(4)
                    let length = Int(readLE(4))
                    try need(length)
                    entries.append(.string(Array(blob[index..<(index + length)])))
                    index += length
                case 0xF1: try need(2); entries.append(.integer(signExtend(readLE(2), bits: 16)))
                case 0xF2: try need(3); entries.append(.integer(signExtend(readLE(3), bits: 24)))
                case 0xF3: try need(4); entries.append(.integer(signExtend(readLE(4), bits: 32)))
                case 0xF4: try need(8); entries.append(.integer(Int64(bitPattern: readLE(8))))
                default: throw .malformed("listpack entry encoding 0x\(String(first, radix: 16))")
                }
            }
            let size = index - start
            let backLength = backLengthSize(size)
            guard index + backLength <= blob.count - 1 else { throw .malformed("listpack back-length runs past the end") }
            index += backLength
        }
        guard index == blob.count - 1 else { throw .malformed("bytes after the listpack's end") }
        return entries
    }

    /// lpStringToInt64: the decimal form Redis would print back, no more.
    static func canonicalInteger(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBytes { canonicalInteger($0) }
    }

    /// string2ll's strict form: an optional minus, no leading zeros (but "0"), in range.
    static func canonicalInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") { return bytes.count == 1 ? 0 : nil }
        var magnitude: UInt64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- 48
            guard digit < 10 else { return nil }
            let (times, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { return nil }
            magnitude = sum
            index += 1
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    static func appendInteger(_ value: Int64, to body: inout [UInt8]) {
        func appendLE(_ value: Int64, _ count: Int) {
            let raw = UInt64(bitPattern: value)
            for offset in 0..<count { body.append(UInt8(truncatingIfNeeded: raw >> UInt64(8 * offset))) }
        }
        switch value {
        case 0...127: body.append(UInt8(value))
        case -4096...4095:
            let raw = UInt16(bitPattern: Int16(value)) & 0x1FFF
            body += [0xC0 | UInt8(raw >> 8), UInt8(raw & 0xFF)]
        case -32768...32767: body.append(0xF1); appendLE(value, 2)
        case -8_388_608...8_388_607: body.append(0xF2); appendLE(value, 3)
        case -2_147_483_648...2_147_483_647: body.append(0xF3); appendLE(value, 4)
        default: body.append(0xF4); appendLE(value, 8)
        }
    }

    static func appendString(_ bytes: [UInt8], to body: inout [UInt8]) {
        if bytes.count < 64 {
            body.append(0x80 | UInt8(bytes.count))
        } else if bytes.count < 4096 {
            body += [0xE0 | UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)]
        } else {
            body.append(0xF0)
            for offset in 0..<4 { body.append(UInt8(truncatingIfNeeded: bytes.count >> (8 * offset))) }
        }
        body += bytes
    }

    /// lpEncodeBacklen's size classes (note 16383 takes three bytes).
    static func backLengthSize(_ size: Int) -> Int {
        size <= 127 ? 1 : size < 16383 ? 2 : size < 2_097_151 ? 3 : size < 268_435_455 ? 4 : 5
    }

    /// The entry's size, 7 bits per byte: the highest group first, every
    /// byte after it flagged, the lowest nearest the next entry.
    static func appendBackLength(_ size: Int, to body: inout [UInt8]) {
        let count = backLengthSize(size)
        for position in stride(from: count - 1, through: 0, by: -1) {
            let group = UInt8((size >> (7 * position)) & 127)
            body.append(position == count - 1 ? group : group | 128)
        }
    }
}
