#if canImport(Glibc)
import Glibc
#endif

/// Redis's long double handling for INCRBYFLOAT and HINCRBYFLOAT.
enum LongDouble {
    /// string2ld: no spaces, not empty, not NaN.
    static func parse(_ bytes: [UInt8]) -> Float80? {
        guard !bytes.isEmpty, bytes.count <= 5 * 1024, let first = bytes.first, !(first == 32 || (first >= 9 && first <= 13)) else { return nil }
        var text = bytes.map { CChar(bitPattern: $0) }
        text.append(0)
        var end: UnsafeMutablePointer<CChar>?
        errno = 0
        let value = text.withUnsafeBufferPointer { buffer -> Float80 in
            let start = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            let result = strtold(buffer.baseAddress!, &end)
            guard let end, end - start == bytes.count else { return .nan }
            return result
        }
        guard !value.isNaN, errno != ERANGE else { return nil }
        return value
    }

    /// ld2string(LD_STR_HUMAN): %.17Lf without trailing zeros.
    static func humanFriendly(_ value: Float80) -> [UInt8] {
        var text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 5200) { buffer in
            let count = withVaList([value]) { vsnprintf(buffer.baseAddress, 5200, "%.17Lf", $0) }
            return Array(UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(count)))
        }
        if text.contains(UInt8(ascii: ".")) {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
        }
        if text == Array("-0".utf8) { text = Array("0".utf8) }
        return text
    }
}
