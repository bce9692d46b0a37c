/// A stream entry's ID, <ms>-<seq>, ordered as the 128-bit big-endian
/// number that t_stream.c uses as its radix tree key.
struct StreamID: Comparable, Hashable, Sendable {
    var ms: UInt64
    var seq: UInt64

    static let zero = StreamID(ms: 0, seq: 0)
    static let max = StreamID(ms: .max, seq: .max)

    static func < (a: StreamID, b: StreamID) -> Bool { a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq }

    /// streamIncrID: nil past the last possible ID.
    var successor: StreamID? {
        if seq < .max { return StreamID(ms: ms, seq: seq + 1) }
        return ms < .max ? StreamID(ms: ms + 1, seq: 0) : nil
    }

    /// streamDecrID: nil before 0-0.
    var predecessor: StreamID? {
        if seq > 0 { return StreamID(ms: ms, seq: seq - 1) }
        return ms > 0 ? StreamID(ms: ms - 1, seq: .max) : nil
    }

    var text: String { "\(ms)-\(seq)" }

    /// <ms>-<seq> as bytes, written without a String.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(41)
        Self.appendDigits(ms, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendDigits(seq, to: &out)
        return out
    }

    static func appendDigits(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 { return out.append(48) }
        let start = out.count
        var rest = value
        while rest > 0 {
            out.append(UInt8(48 + rest % 10))
            rest /= 10
        }
        out[start...].reverse()
    }

    /// The 16-byte key of RDB files and PELs.
    var key: [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: ms >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { key.append(UInt8(truncatingIfNeeded: seq >> UInt64(shift))) }
        return key
    }

    init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    init?(key: some Collection<UInt8>) {
        guard key.count == 16 else { return nil }
        let bytes = Array(key)
        ms = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        seq = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// How a command's argument reads as an ID (streamGenericParseIDOrReply).
enum StreamIDSyntax {
    static let invalid = "ERR Invalid stream ID specified as stream command argument"

    struct Parsed {
        var id: StreamID
        /// False for `<ms>-*`, whose sequence is to be generated.
        var seqGiven: Bool
    }

    /// `-` and `+` are the extremes unless `strict`; a missing sequence is `missingSeq`.
    static func parse(_ argument: [UInt8], missingSeq: UInt64 = 0, strict: Bool = false, allowAutoSeq: Bool = false) -> Parsed? {
        guard argument.count <= 127 else { return nil }
        // The C string ends at a NUL byte.
        let bytes = argument.firstIndex(of: 0).map { Array(argument[..<$0]) } ?? argument
        if bytes == [UInt8(ascii: "-")] || bytes == [UInt8(ascii: "+")] {
            if strict { return nil }
            return Parsed(id: bytes[0] == UInt8(ascii: "-") ? .zero : .max, seqGiven: true)
        }
        let dash = bytes.firstIndex(of: UInt8(ascii: "-"))
        guard let ms = unsigned(bytes[..<(dash ?? bytes.endIndex)]) else { return nil }
        guard let dash else { return Parsed(id: StreamID(ms: ms, seq: missingSeq), seqGiven: true) }
        let tail = bytes[(dash + 1)...]
        if allowAutoSeq && tail.elementsEqual([UInt8(ascii: "*")]) { return Parsed(id: StreamID(ms: ms, seq: 0), seqGiven: false) }
        guard let seq = unsigned(tail) else { return nil }
        return Parsed(id: StreamID(ms: ms, seq: seq), seqGiven: true)
    }

    /// string2ull: a strict decimal (negatives refused), else what strtoull
    /// takes: leading spaces, a sign (a minus wraps around), digits to the end.
    static func unsigned(_ digits: ArraySlice<UInt8>) -> UInt64? {
        if let strict = RedisInteger.parse(Array(digits)) { return strict < 0 ? nil : UInt64(strict) }
        var index = digits.startIndex
        while index < digits.endIndex, [9, 10, 11, 12, 13, 32].contains(digits[index]) { index += 1 }
        var negative = false
        if index < digits.endIndex, digits[index] == UInt8(ascii: "+") || digits[index] == UInt8(ascii: "-") {
            negative = digits[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < digits.endIndex else { return nil }
        var value: UInt64 = 0
        while index < digits.endIndex {
            let digit = digits[index]
            guard digit >= 48, digit <= 57 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit - 48))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? 0 &- value : value
    }
}
