/// Redis's strict integer syntax (util.c string2ll): optional '-', no '+',
/// no leading zeros, no spaces, at most 20 characters, within Int64.
enum RedisInteger {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        guard count > 0, count < 21 else { return nil }
        if count == 1 && bytes[0] == UInt8(ascii: "0") { return 0 }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative {
            index = 1
            guard count > 1 else { return nil }
        }
        let first = bytes[index]
        guard first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") else { return nil }
        var value = UInt64(first - UInt8(ascii: "0"))
        index += 1
        while index < count {
            let digit = bytes[index]
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
        }
        guard value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    static func parse(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// The decimal text of `value`, as bytes.
    static func bytes(_ value: Int64) -> [UInt8] {
        Array(String(value).utf8)
    }
}
