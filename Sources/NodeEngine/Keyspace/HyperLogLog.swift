/// Redis's HyperLogLog, byte for byte (hyperloglog.c): a 16-byte header
/// ("HYLL", encoding, 3 unused bytes, cached cardinality with bit 63 marking
/// it stale), then 16384 6-bit registers, either dense (12288 bytes) or
/// sparse (ZERO / XZERO / VAL run-length opcodes). The same layout means the
/// same PFCOUNT answers and values that move to and from redis-server.
struct HyperLogLog {
    static let registers = 16384
    static let headerSize = 16
    static let denseSize = headerSize + (registers * 6 + 7) / 8
    static let sparseValueMax = 32
    static let sparseValueMaxLength = 4
    static let sparseZeroMaxLength = 64
    static let sparseXZeroMaxLength = 16384

    enum Failure: Error { case corrupted }

    var bytes: [UInt8]

    /// createHLLObject: sparse, one XZERO covering every register, cached cardinality 0.
    static func empty() -> HyperLogLog {
        var bytes = [UInt8](repeating: 0, count: headerSize)
        bytes[0...3] = [72, 89, 76, 76]  // "HYLL"
        bytes[4] = 1  // sparse
        var remaining = registers
        while remaining > 0 {
            let run = min(sparseXZeroMaxLength, remaining)
            bytes += xzero(run)
            remaining -= run
        }
        return HyperLogLog(bytes: bytes)
    }

    /// isHLLObjectOrReply's checks.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= headerSize, bytes[0...3] == [72, 89, 76, 76], bytes[4] <= 1 else { return false }
        return bytes[4] != 0 || bytes.count == denseSize
    }

    var isDense: Bool { bytes[4] == 0 }

    mutating func invalidateCache() { bytes[15] |= 0x80 }

    var cachedCardinality: UInt64? {
        guard bytes[15] & 0x80 == 0 else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[8 + $1]) << (8 * $1) }
    }

    mutating func cache(_ cardinality: UInt64) {
        for index in 0..<8 { bytes[8 + index] = UInt8(truncatingIfNeeded: cardinality >> (8 * index)) }
    }

    // MARK: Hashing

    static func murmur64A(_ data: [UInt8], seed: UInt64 = 0xADC8_3B19) -> UInt64 {
        let m: UInt64 = 0xC6A4_A793_5BD1_E995
        var h = seed ^ (UInt64(truncatingIfNeeded: data.count) &* m)
        let whole = data.count - data.count % 8
        var index = 0
        while index < whole {
            var k: UInt64 = 0
            for offset in 0..<8 { k |= UInt64(data[index + offset]) << (8 * offset) }
            k = k &* m
            k ^= k >> 47
            k = k &* m
            h ^= k
            h = h &* m
            index += 8
        }
        let rest = data.count & 7
        if rest > 0 {
            for offset in stride(from: rest - 1, through: 0, by: -1) { h ^= UInt64(data[whole + offset]) << (8 * offset) }
            h = h &* m
        }
        h ^= h >> 47
        h = h &* m
        h ^= h >> 47
        return h
    }

    /// hllPatLen: the register and the length of the zero run + 1.
    static func position(_ element: [UInt8]) -> (index: Int, count: UInt8) {
        var hash = murmur64A(element)
        let index = Int(hash & UInt64(registers - 1))
        hash >>= 14
        hash |= 1 << 50
        var count: UInt8 = 1
        var bit: UInt64 = 1
        while hash & bit == 0 {
            count += 1
            bit <<= 1
        }
        return (index, count)
    }

    // MARK: Dense registers

    func denseRegister(_ index: Int) -> UInt8 {
        let byte = Self.headerSize + index * 6 / 8
        let shift = (index * 6) & 7
        let low = UInt16(bytes[byte]) >> shift
        let high = byte + 1 < bytes.count ? UInt16(bytes[byte + 1]) << (8 - shift) : 0
        return UInt8((low | high) & 63)
    }

    mutating func setDenseRegister(_ index: Int, _ value: UInt8) {
        let byte = Self.headerSize + index * 6 / 8
        let shift = (index * 6) & 7
        let value16 = UInt16(value)
        bytes[byte] &= ~UInt8(truncatingIfNeeded: 63 << shift)
        bytes[byte] |= UInt8(truncatingIfNeeded: value16 << shift)
        if byte + 1 < bytes.count {
            bytes[byte + 1] &= ~UInt8(truncatingIfNeeded: 63 >> (8 - shift))
            bytes[byte + 1] |= UInt8(truncatingIfNeeded: value16 >> (8 - shift))
        }
    }

    // MARK: Sparse opcodes

    static func xzero(_ length: Int) -> [UInt8] { [UInt8(((length - 1) >> 8) | 0x40), UInt8((length - 1) & 0xFF)] }
    static func zero(_ length: Int) -> UInt8 { UInt8(length - 1) }
    static func val(_ value: Int, _ length: Int) -> UInt8 { UInt8(((value - 1) << 2) | (length - 1)) | 0x80 }

    static func isZero(_ op: UInt8) -> Bool { op & 0xC0 == 0 }
    static func isXZero(_ op: UInt8) -> Bool { op & 0xC0 == 0x40 }
    static func isVal(_ op: UInt8) -> Bool { op & 0x80 != 0 }
    static func zeroLength(_ op: UInt8) -> Int { Int(op & 0x3F) + 1 }
    static func valValue(_ op: UInt8) -> Int { Int((op >> 2) & 0x1F) + 1 }
    static func valLength(_ op: UInt8) -> Int { Int(op & 3) + 1 }
    /// An XZERO's length. A corrupted value may end on its first byte: redis-server
    /// then reads the string's NUL terminator, so a missing second byte counts as 0.
    func xzeroLength(_ at: Int) -> Int {
        let low = at + 1 < bytes.count ? Int(bytes[at + 1]) : 0
        return (Int(bytes[at] & 0x3F) << 8 | low) + 1
    }

    /// Every register's value, from either encoding (hllMerge's walk).
    func registerValues() throws(Failure) -> [UInt8] {
        if isDense { return (0..<Self.registers).map(denseRegister) }
        var values = [UInt8](repeating: 0, count: Self.registers)
        var index = 0
        var position = Self.headerSize
        while position < bytes.count {
            let op = bytes[position]
            // ZERO and XZERO runs past the last register are caught by the count check below.
            if Self.isZero(op) {
                index += Self.zeroLength(op)
                position += 1
            } else if Self.isXZero(op) {
                index += xzeroLength(position)
                position += 2
            } else {
                let run = Self.valLength(op)
                guard index + run <= Self.registers else { throw .corrupted }
                for offset in 0..<run { values[index + offset] = UInt8(Self.valValue(op)) }
                index += run
                position += 1
            }
        }
        guard index == Self.registers else { throw .corrupted }
        return values
    }

    mutating func toDense() throws(Failure) {
        guard !isDense else { return }
        let values = try registerValues()
        var dense = HyperLogLog(bytes: Array(bytes[0..<Self.headerSize]) + [UInt8](repeating: 0, count: Self.denseSize - Self.headerSize))
        dense.bytes[4] = 0
        for (index, value) in values.enumerated() where value > 0 { dense.setDenseRegister(index, value) }
        self = dense
    }

    /// hllAdd: 1 if a register grew, 0 if not.
    mutating func add(_ element: [UInt8], sparseMaxBytes: Int) throws(Failure) -> Int {
        let (index, count) = Self.position(element)
        return try set(index, count, sparseMaxBytes: sparseMaxBytes)
    }

    mutating func set(_ index: Int, _ count: UInt8, sparseMaxBytes: Int) throws(Failure) -> Int {
        if isDense {
            guard count > denseRegister(index) else { return 0 }
            setDenseRegister(index, count)
            return 1
        }
        return try sparseSet(index, Int(count), sparseMaxBytes: sparseMaxBytes)
    }

    /// hllSparseSet: split the opcode covering the register, then merge
    /// adjacent equal VALs; promote to dense past 32 or the size limit.
    private mutating func sparseSet(_ index: Int, _ count: Int, sparseMaxBytes: Int) throws(Failure) -> Int {
        if count > Self.sparseValueMax { return try promote(index, count) }
        var position = Self.headerSize
        var first = 0
        var previous: Int?
        var span = 0
        while position < bytes.count {
            let op = bytes[position]
            let length = Self.isXZero(op) ? 2 : 1
            span = Self.isZero(op) ? Self.zeroLength(op) : Self.isVal(op) ? Self.valLength(op) : xzeroLength(position)
            if index <= first + span - 1 { break }
            previous = position
            position += length
            first += span
        }
        guard span > 0, position < bytes.count else { throw .corrupted }
        let op = bytes[position]
        let isXZero = Self.isXZero(op), isVal = Self.isVal(op), isZero = Self.isZero(op)
        let run = isZero ? Self.zeroLength(op) : isVal ? Self.valLength(op) : xzeroLength(position)
        var updatedInPlace = false
        if isVal {
            if Self.valValue(op) >= count { return 0 }
            if run == 1 {
                bytes[position] = Self.val(count, 1)
                updatedInPlace = true
            }
        }
        if !updatedInPlace && isZero && run == 1 {
            bytes[position] = Self.val(count, 1)
            updatedInPlace = true
        }
        if !updatedInPlace {
            var sequence: [UInt8] = []
            let last = first + span - 1
            func zeros(_ length: Int) -> [UInt8] { length > Self.sparseZeroMaxLength ? Self.xzero(length) : [Self.zero(length)] }
            if isZero || isXZero {
                if index != first { sequence += zeros(index - first) }
                sequence.append(Self.val(count, 1))
                if index != last { sequence += zeros(last - index) }
            } else {
                let current = Self.valValue(op)
                if index != first { sequence.append(Self.val(current, index - first)) }
                sequence.append(Self.val(count, 1))
                if index != last { sequence.append(Self.val(current, last - index)) }
            }
            let oldLength = isXZero ? 2 : 1
            if sequence.count > oldLength && bytes.count + sequence.count - oldLength > sparseMaxBytes {
                return try promote(index, count)
            }
            // An XZERO cut short by the value's end: redis-server grows the string by
            // the difference only, so the sequence's last byte falls outside it.
            let end = min(position + oldLength, bytes.count)
            bytes.replaceSubrange(position..<end, with: sequence.dropLast(position + oldLength - end))
        }
        // Merge adjacent VAL opcodes of equal value, up to 5 opcodes from the previous one.
        var scan = previous ?? Self.headerSize
        var budget = 5
        while scan < bytes.count && budget > 0 {
            budget -= 1
            let current = bytes[scan]
            if Self.isXZero(current) { scan += 2; continue }
            if Self.isZero(current) { scan += 1; continue }
            if scan + 1 < bytes.count && Self.isVal(bytes[scan + 1]) {
                let next = bytes[scan + 1]
                if Self.valValue(current) == Self.valValue(next) {
                    let length = Self.valLength(current) + Self.valLength(next)
                    if length <= Self.sparseValueMaxLength {
                        bytes[scan + 1] = Self.val(Self.valValue(current), length)
                        bytes.remove(at: scan)
                        continue
                    }
                }
            }
            scan += 1
        }
        invalidateCache()
        return 1
    }

    private mutating func promote(_ index: Int, _ count: Int) throws(Failure) -> Int {
        try toDense()
        setDenseRegister(index, UInt8(count))
        return 1
    }

    // MARK: Counting

    /// hllCount: Ertl's estimator over the register histogram.
    static func count(_ values: [UInt8]) -> UInt64 {
        var histogram = [Int](repeating: 0, count: 64)
        for value in values { histogram[Int(value)] += 1 }
        let m = Double(registers)
        var z = m * tau((m - Double(histogram[51])) / m)
        for j in stride(from: 50, through: 1, by: -1) {
            z += Double(histogram[j])
            z *= 0.5
        }
        z += m * sigma(Double(histogram[0]) / m)
        return UInt64((0.721347520444481703680 * m * m / z).rounded())
    }

    static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x, y = 1.0, z = x, previous = 0.0
        repeat {
            x *= x
            previous = z
            z += x * y
            y += y
        } while previous != z
        return z
    }

    static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x, y = 1.0, z = 1 - x, previous = 0.0
        repeat {
            x = x.squareRoot()
            previous = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
        } while previous != z
        return z / 3
    }
}
