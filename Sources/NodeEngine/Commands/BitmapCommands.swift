/// Bitmaps on strings (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
/// BITFIELD and BITFIELD_RO. Bit 0 is the most significant bit of byte 0.
enum BitmapCommands {
    static let all: [(String, CommandHandler)] = [
        ("setbit", setbit), ("getbit", getbit), ("bitcount", bitcount), ("bitpos", bitpos), ("bitop", bitop),
        ("bitfield", bitfield), ("bitfield_ro", bitfieldRO),
    ]

    static let offsetError = "ERR bit offset is not an integer or out of range"

    /// getBitOffsetFromArgument: `#n` multiplies by the field width where allowed.
    static func offset(_ e: NodeEngine, _ a: Arguments, _ index: Int, bits: Int = 0) -> UInt64? {
        var bytes = a[index]
        let hash = bits > 0 && bytes.first == UInt8(ascii: "#")
        if hash { bytes.removeFirst() }
        guard var value = RedisInteger.parse(bytes) else { return nil }
        if hash {
            let (product, overflow) = value.multipliedReportingOverflow(by: Int64(bits))
            guard !overflow else { return nil }
            value = product
        }
        guard value >= 0, (value >> 3) < e.config.integer("proto-max-bulk-len") else { return nil }
        return UInt64(value)
    }

    /// The string's bytes for reading (an absent key reads as empty); nil after WRONGTYPE.
    static func readBytes(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> [UInt8]?? {
        e.typed(c, e.read(c, key), { $0.asString?.bytes })
    }

    /// lookupStringForBitCommand: the bytes grown with zeros to hold `maxBit`,
    /// and whether that alone changed the key (it is new or grew).
    static func writableBytes(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8], maxBit: UInt64) -> (bytes: [UInt8], grew: Bool)? {
        var bytes: [UInt8] = []
        var grew = true
        if let value = e.lookup(c, key) {
            guard case .string(let string) = value else {
                e.wrongType(c)
                return nil
            }
            bytes = string.bytes
            grew = false
        }
        let needed = Int(maxBit >> 3) + 1
        if bytes.count < needed {
            bytes += [UInt8](repeating: 0, count: needed - bytes.count)
            grew = true
        }
        return (bytes, grew)
    }

    static func bit(_ bytes: [UInt8], _ index: UInt64) -> Int {
        let byte = Int(index >> 3)
        guard byte < bytes.count else { return 0 }
        return Int(bytes[byte] >> (7 - UInt8(index & 7))) & 1
    }

    static func setbit(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let position = offset(e, a, 2) else { return e.fail(c, offsetError) }
        guard let on = a.integer(3), on == 0 || on == 1 else { return e.fail(c, "ERR bit is not an integer or out of range") }
        let key = a[1]
        guard var (bytes, grew) = writableBytes(e, c, key, maxBit: position) else { return }
        let old = bit(bytes, position)
        // Nothing changed, nothing is written: no dirty count, no event (as 7.0.15).
        if grew || old != Int(on) {
            let mask = UInt8(1) << (7 - UInt8(position & 7))
            let byte = Int(position >> 3)
            if on == 1 { bytes[byte] |= mask } else { bytes[byte] &= ~mask }
            e.store(c, key, .string(.raw(bytes)), keepTTL: true)
            e.notify(.strings, "setbit", key, db: c.db)
        }
        c.reply.integer(old)
    }

    static func getbit(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let position = offset(e, a, 2) else { return e.fail(c, offsetError) }
        guard let found = readBytes(e, c, a[1]) else { return }
        c.reply.integer(bit(found ?? [], position))
    }

    /// Start and end (inclusive) in bits, from byte or bit indexes as BITCOUNT/BITPOS convert them.
    static func bitRange(start: Int64, end: Int64, length: Int, bitUnits: Bool) -> (Int64, Int64) {
        let total = bitUnits ? Int64(length) * 8 : Int64(length)
        var start = start < 0 ? total + start : start
        var end = end < 0 ? total + end : end
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= total { end = total - 1 }
        if start > end { return (1, 0) }  // empty; also keeps start * 8 below overflow
        return bitUnits ? (start, end) : (start * 8, end * 8 + 7)
    }

    static func units(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int) -> Bool? {
        guard index < a.count else { return false }
        if a.isWord(index, "bit") { return true }
        if a.isWord(index, "byte") { return false }
        e.fail(c, "ERR syntax error")
        return nil
    }

    static func bitcount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = readBytes(e, c, a[1]) else { return }
        guard let bytes = found else { return c.reply.integer(0) }
        var first: Int64 = 0, last = Int64(bytes.count) * 8 - 1
        if a.count == 4 || a.count == 5 {
            guard let start = a.integer(2), let end = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
            if start < 0 && end < 0 && start > end { return c.reply.integer(0) }
            guard let bitUnits = units(e, c, a, 4) else { return }
            (first, last) = bitRange(start: start, end: end, length: bytes.count, bitUnits: bitUnits)
        } else if a.count != 2 {
            return e.fail(c, "ERR syntax error")
        }
        guard first <= last else { return c.reply.integer(0) }
        var count = 0
        var index = first
        while index <= last {
            if index & 7 == 0 && index + 7 <= last {
                count += bytes[Int(index >> 3)].nonzeroBitCount
                index += 8
            } else {
                count += bit(bytes, UInt64(index))
                index += 1
            }
        }
        c.reply.integer(count)
    }

    static func bitpos(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let wanted = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard wanted == 0 || wanted == 1 else { return e.fail(c, "ERR The bit argument must be 1 or 0.") }
        guard let found = readBytes(e, c, a[1]) else { return }
        guard let bytes = found else { return c.reply.integer(wanted == 1 ? -1 : 0) }
        var first: Int64 = 0, last = Int64(bytes.count) * 8 - 1
        var endGiven = false
        if (4...6).contains(a.count) {
            guard let start = a.integer(3) else { return e.fail(c, "ERR value is not an integer or out of range") }
            guard let bitUnits = units(e, c, a, 5) else { return }
            var end = bitUnits ? Int64(bytes.count) * 8 + 7 : Int64(bytes.count) - 1
            if a.count >= 5 {
                guard let given = a.integer(4) else { return e.fail(c, "ERR value is not an integer or out of range") }
                end = given
                endGiven = true
            }
            (first, last) = bitRange(start: start, end: end, length: bytes.count, bitUnits: bitUnits)
        } else if a.count != 3 {
            return e.fail(c, "ERR syntax error")
        }
        guard first <= last else { return c.reply.integer(-1) }
        var index = first
        let skip: UInt8 = wanted == 1 ? 0x00 : 0xFF
        while index <= last {
            if index & 7 == 0 && index + 7 <= last && bytes[Int(index >> 3)] == skip {
                index += 8
                continue
            }
            if bit(bytes, UInt64(index)) == Int(wanted) { return c.reply.integer(index) }
            index += 1
        }
        c.reply.integer(wanted == 1 || endGiven ? -1 : last + 1)
    }

    static func bitop(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let operation = a.lowercased(1)
        guard ["and", "or", "xor", "not"].contains(operation) else { return e.fail(c, "ERR syntax error") }
        if operation == "not" && a.count != 4 { return e.fail(c, "ERR BITOP NOT must be called with a single source key.") }
        var sources: [[UInt8]] = []
        for index in 3..<a.count {
            guard let found = readBytes(e, c, a[index]) else { return }
            sources.append(found ?? [])
        }
        let length = sources.map(\.count).max() ?? 0
        var result = [UInt8](repeating: 0, count: length)
        for position in 0..<length {
            func byte(_ source: [UInt8]) -> UInt8 { position < source.count ? source[position] : 0 }
            switch operation {
            case "not": result[position] = ~byte(sources[0])
            case "and": result[position] = sources.reduce(0xFF) { $0 & byte($1) }
            case "or": result[position] = sources.reduce(0) { $0 | byte($1) }
            default: result[position] = sources.reduce(0) { $0 ^ byte($1) }
            }
        }
        let destination = a[2]
        if !result.isEmpty {
            e.store(c, destination, .string(.raw(result)))
            e.notify(.strings, "set", destination, db: c.db)
        } else if e.delete(c.db, destination) {
            e.notify(.generic, "del", destination, db: c.db)
        }
        c.reply.integer(result.count)
    }

    struct FieldOp {
        enum Kind { case get, set, incrby }
        enum Overflow { case wrap, sat, fail }
        let kind: Kind
        let signed: Bool
        let bits: Int
        let offset: UInt64
        let value: Int64
        let overflow: Overflow
    }

    static func bitfield(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { bitfieldGeneric(e, c, a, readOnly: false) }
    static func bitfieldRO(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { bitfieldGeneric(e, c, a, readOnly: true) }

    static func bitfieldGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, readOnly: Bool) {
        var ops: [FieldOp] = []
        var overflow = FieldOp.Overflow.wrap
        var index = 2
        var writes = false
        var highest: UInt64 = 0
        while index < a.count {
            let remaining = a.count - index - 1
            let kind: FieldOp.Kind
            if a.isWord(index, "get") && remaining >= 2 { kind = .get }
            else if a.isWord(index, "set") && remaining >= 3 { kind = .set }
            else if a.isWord(index, "incrby") && remaining >= 3 { kind = .incrby }
            else if a.isWord(index, "overflow") && remaining >= 1 {
                if a.isWord(index + 1, "wrap") { overflow = .wrap }
                else if a.isWord(index + 1, "sat") { overflow = .sat }
                else if a.isWord(index + 1, "fail") { overflow = .fail }
                else { return e.fail(c, "ERR Invalid OVERFLOW type specified") }
                index += 2
                continue
            } else {
                return e.fail(c, "ERR syntax error")
            }
            let type = a[index + 1]
            let signed = type.first == UInt8(ascii: "i")
            guard signed || type.first == UInt8(ascii: "u"), let width = RedisInteger.parse(Array(type.dropFirst())),
                  width >= 1, width <= (signed ? 64 : 63) else {
                return e.fail(c, "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
            }
            guard let position = offset(e, a, index + 2, bits: Int(width)) else { return e.fail(c, offsetError) }
            var value: Int64 = 0
            if kind != .get {
                writes = true
                highest = max(highest, position + UInt64(width) - 1)
                guard let parsed = a.integer(index + 3) else { return e.fail(c, "ERR value is not an integer or out of range") }
                value = parsed
            }
            ops.append(FieldOp(kind: kind, signed: signed, bits: Int(width), offset: position, value: value, overflow: overflow))
            index += kind == .get ? 3 : 4
        }
        let key = a[1]
        var bytes: [UInt8]
        var grew = false
        if writes {
            if readOnly { return e.fail(c, "ERR BITFIELD_RO only supports the GET subcommand") }
            guard let writable = writableBytes(e, c, key, maxBit: highest) else { return }
            (bytes, grew) = writable
        } else {
            guard let found = readBytes(e, c, key) else { return }
            bytes = found ?? []
        }
        c.reply.array(ops.count)
        var changes = 0
        for op in ops {
            let current = read(bytes, op)
            switch op.kind {
            case .get:
                c.reply.integer(current)
            case .set, .incrby:
                let target = op.kind == .set ? op.value : current &+ op.value
                let (stored, overflowed) = fit(op.kind == .set ? op.value : current, op.kind == .set ? 0 : op.value, op, target)
                if overflowed && op.overflow == .fail {
                    c.reply.null()
                    continue
                }
                write(&bytes, op, stored)
                if grew || read(bytes, op) != current { changes += 1 }
                c.reply.integer(op.kind == .set ? current : stored)
            }
        }
        // A write that changes no bit counts no change (a new or grown key still exists after it, as in 7.0.15).
        guard changes > 0 || grew else { return }
        e.store(c, key, .string(.raw(bytes)), keepTTL: true)
        e.dirty += Int64(changes) - 1
        if changes > 0 { e.notify(.strings, "setbit", key, db: c.db) }
    }

    /// The field's value, sign-extended for signed types.
    static func read(_ bytes: [UInt8], _ op: FieldOp) -> Int64 {
        var value: UInt64 = 0
        for index in 0..<op.bits { value = value << 1 | UInt64(bit(bytes, op.offset + UInt64(index))) }
        if op.signed && op.bits < 64 && value & (1 << (op.bits - 1)) != 0 { value |= ~UInt64(0) << op.bits }
        return Int64(bitPattern: value)
    }

    static func write(_ bytes: inout [UInt8], _ op: FieldOp, _ value: Int64) {
        let pattern = UInt64(bitPattern: value)
        for index in 0..<op.bits {
            let position = op.offset + UInt64(index)
            let mask = UInt8(1) << (7 - UInt8(position & 7))
            let on = (pattern >> (op.bits - 1 - index)) & 1 == 1
            if on { bytes[Int(position >> 3)] |= mask } else { bytes[Int(position >> 3)] &= ~mask }
        }
    }

    /// The value to store for `base + increment` (or a SET of `base`) in the
    /// field's width under its overflow policy, and whether it overflowed.
    static func fit(_ base: Int64, _ increment: Int64, _ op: FieldOp, _ wrapped: Int64) -> (Int64, Bool) {
        let bits = op.bits
        if op.signed {
            let maximum: Int64 = bits == 64 ? .max : (1 << (bits - 1)) - 1
            let minimum: Int64 = bits == 64 ? .min : -(1 << (bits - 1))
            let (sum, overflow) = base.addingReportingOverflow(increment)
            let high = overflow ? increment > 0 : sum > maximum
            let low = overflow ? increment < 0 : sum < minimum
            if !high && !low { return (sum, false) }
            switch op.overflow {
            case .sat: return (high ? maximum : minimum, true)
            case .fail: return (0, true)
            case .wrap:
                let pattern = UInt64(bitPattern: base) &+ UInt64(bitPattern: increment)
                let masked = bits == 64 ? pattern : pattern & ((1 << bits) - 1)
                var value = masked
                if bits < 64 && masked & (1 << (bits - 1)) != 0 { value |= ~UInt64(0) << bits }
                return (Int64(bitPattern: value), true)
            }
        } else {
            let maximum: UInt64 = (1 << bits) - 1
            let baseValue = UInt64(bitPattern: base)
            var high = false, low = false
            if increment >= 0 {
                let (sum, overflow) = baseValue.addingReportingOverflow(UInt64(increment))
                high = overflow || sum > maximum
                if !high { return (Int64(bitPattern: sum), false) }
            } else {
                let magnitude = increment.magnitude
                low = magnitude > baseValue
                if !low { return (Int64(bitPattern: baseValue - magnitude), false) }
            }
            if op.kind == .set && base < 0 { low = false; high = true }
            switch op.overflow {
            case .sat: return (high ? Int64(maximum) : 0, true)
            case .fail: return (0, true)
            case .wrap:
                let pattern = baseValue &+ UInt64(bitPattern: increment)
                return (Int64(bitPattern: pattern & maximum), true)
            }
        }
    }
}
