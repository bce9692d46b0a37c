#if canImport(Glibc)
import Glibc
#endif

/// A double as C's printf writes it, which is what redis-server's replies and
/// logs hold. Through vsnprintf rather than Foundation's String(format:),
/// which a node would otherwise load (CoreFoundation, its locale tables)
/// for a log line's milliseconds.
extension String {
    public init(format2 value: Double) { self = Self.c(value, "%.2f") }
    public init(format3 value: Double) { self = Self.c(value, "%.3f") }
    public init(format6 value: Double) { self = Self.c(value, "%.6f") }
    public init(format17g value: Double) { self = Self.c(value, "%.17g") }
    /// "%f": six decimals.
    public init(formatF value: Double) { self = Self.c(value, "%f") }

    /// `value` in decimal, at least `width` digits, zeros in front ("%0*d").
    public init(zeroPadded value: Int, width: Int) {
        let digits = String(value)
        self = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
    }

    private static func c(_ value: Double, _ format: String) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
            let count = withVaList([value]) { vsnprintf(buffer.baseAddress, 512, format, $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(Swift.min(count, 511))), as: UTF8.self)
        }
    }
}
