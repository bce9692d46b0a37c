import CScripting

/// A script's SHA1 as the cache's key: its 40 hex digits in lowercase, held
/// inline, so that EVALSHA finds its script without building a String
/// (the cache's dictionary in eval.c compares SHAs without case, too).
struct ScriptDigest: Hashable {
    private let a, b, c, d, e: UInt64

    /// The digits of an EVALSHA argument: any 40 bytes, lowercased; nil for another length.
    init?(hex bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 40 else { return nil }
        func word(_ at: Int) -> UInt64 {
            // Eight bytes at once, A-Z made a-z and nothing else changed (what strcasecmp compares).
            let w = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            let low7 = w & 0x7F7F_7F7F_7F7F_7F7F
            let aboveA = low7 &+ 0x3F3F_3F3F_3F3F_3F3F   // high bit set where byte >= 'A'
            let aboveZ = low7 &+ 0x2525_2525_2525_2525   // high bit set where byte > 'Z'
            let upper = (aboveA ^ aboveZ) & ~w & 0x8080_8080_8080_8080
            return w | (upper >> 2)
        }
        (a, b, c, d, e) = (word(0), word(8), word(16), word(24), word(32))
    }

    /// The digest of a script's body (EVAL, SCRIPT LOAD).
    init(body: UnsafeRawBufferPointer) {
        self = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 41) { digits in
            rc_sha1hex(digits.baseAddress!, body.baseAddress?.assumingMemoryBound(to: CChar.self), body.count)
            return ScriptDigest(hex: UnsafeRawBufferPointer(start: digits.baseAddress, count: 40))!
        }
    }

    init(body: [UInt8]) {
        self = body.withUnsafeBytes { ScriptDigest(body: $0) }
    }

    var hex: String {
        var text: [UInt8] = []
        text.reserveCapacity(40)
        for word in [a, b, c, d, e] {
            for shift in stride(from: 0, through: 56, by: 8) { text.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
