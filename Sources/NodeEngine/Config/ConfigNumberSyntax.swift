/// The C number readers config.c uses, with their quirks kept, so the
/// engine accepts and refuses exactly what redis-server does.
enum ConfigNumberSyntax {
    /// strtoll(text, &end, radix): leading white space, a sign, digits; the
    /// value saturates at the Int64 limits (`overflow`, C's ERANGE). `rest`
    /// is what follows the number, or the whole text when there is no digit
    /// (as `end` is then).
    static func strtoll(_ text: String, radix: UInt64 = 10) -> (value: Int64, rest: Substring, overflow: Bool) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let digitsStart = index
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), UInt64(bytes[index] - UInt8(ascii: "0")) < radix {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            if o1 || o2 { overflow = true } else { magnitude = sum }
            index += 1
        }
        guard index > digitsStart else { return (0, Substring(text), false) }
        let rest = Substring(String(decoding: bytes[index...], as: UTF8.self))
        if negative {
            if overflow || magnitude > UInt64(Int64.max) + 1 { return (Int64.min, rest, true) }
            return (magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude), rest, false)
        }
        if overflow || magnitude > UInt64(Int64.max) { return (Int64.max, rest, true) }
        return (Int64(magnitude), rest, false)
    }

    /// util.c memtoull: digits and an optional unit (b, k, kb, m, mb, g, gb,
    /// any case). No sign, no spaces. Digits past UInt64 saturate (strtoull)
    /// and the unit's product wraps, as in C; "" and "kb" read as 0.
    static func memtoull(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "-") { return nil }
        var end = 0
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
        let unit = String(decoding: bytes[end...], as: UTF8.self).lowercased()
        let multipliers: [String: UInt64] = ["": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1_000_000, "mb": 1 << 20,
                                             "g": 1_000_000_000, "gb": 1 << 30]
        guard let multiplier = multipliers[unit], end < 128 else { return nil }
        var value: UInt64 = 0
        var saturated = false
        for digit in bytes[..<end] {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            if o1 || o2 { saturated = true; break }
            value = sum
        }
        if saturated { value = UInt64.max }
        return value &* multiplier
    }

    /// string2ll: the strict integer syntax of Redis commands.
    static func string2ll(_ text: String) -> Int64? { RedisInteger.parse(Array(text.utf8)) }

    /// string2d: a decimal number, no spaces around it, not NaN.
    static func string2d(_ text: String) -> Double? {
        guard let first = text.utf8.first, !isSpace(first), let last = text.utf8.last, !isSpace(last),
              let value = Double(text), !value.isNaN else { return nil }
        // Swift's reader takes "inf"/"infinity" as C's strtod does; redis-server too.
        return value
    }

    /// `%f` then trimDoubleString: 99.900000 -> 99.9, 50.000000 -> 50.
    static func trimmedDecimal(_ value: Double) -> String {
        var text = String(formatF: value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// rewriteConfigFormatMemory: the largest of gb, mb, kb that divides the value.
    static func memoryWithUnit(_ bytes: Int64) -> String {
        let gb: Int64 = 1 << 30, mb: Int64 = 1 << 20, kb: Int64 = 1 << 10
        if bytes != 0 && bytes % gb == 0 { return "\(bytes / gb)gb" }
        if bytes != 0 && bytes % mb == 0 { return "\(bytes / mb)mb" }
        if bytes != 0 && bytes % kb == 0 { return "\(bytes / kb)kb" }
        return String(bytes)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
