import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Replies written straight into a connection's output bytes, in the
/// protocol the client chose (HELLO 2 or 3), the way redis-server's
/// addReply* functions shape them.
public struct ReplyBuffer {
    public var bytes: ByteBuffer
    /// 2 or 3.
    public var protocolVersion: Int

    public init(protocolVersion: Int = 2, capacity: Int = 1024) {
        bytes = ByteBufferAllocator().buffer(capacity: capacity)
        self.protocolVersion = protocolVersion
    }

    var isRESP3: Bool { protocolVersion == 3 }

    public mutating func ok() { bytes.writeStaticString("+OK\r\n") }

    public mutating func simple(_ text: String) {
        bytes.writeInteger(UInt8(ascii: "+"))
        bytes.writeString(text)
        bytes.writeStaticString("\r\n")
    }

    /// `message` starts with its code ("ERR ...", "WRONGTYPE ..."). CR and LF
    /// would break the protocol, so they become spaces, as in redis-server.
    public mutating func error(_ message: String) {
        bytes.writeInteger(UInt8(ascii: "-"))
        for byte in message.utf8 { bytes.writeInteger(byte == 13 || byte == 10 ? 32 : byte) }
        bytes.writeStaticString("\r\n")
    }

    public mutating func integer<T: BinaryInteger>(_ value: T) {
        header(UInt8(ascii: ":"), Int64(value))
    }

    public mutating func bulk(_ value: [UInt8]) {
        bulks(CollectionOfOne(value))
    }

    public mutating func bulk(_ value: UnsafeRawBufferPointer) {
        header(UInt8(ascii: "$"), value.count)
        bytes.writeBytes(value)
        bytes.writeStaticString("\r\n")
    }

    public mutating func bulk(_ text: String) {
        header(UInt8(ascii: "$"), text.utf8.count)
        bytes.writeString(text)
        bytes.writeStaticString("\r\n")
    }

    public mutating func bulk(_ value: Int64) {
        var digits: [UInt8] = []
        appendDecimal(value, to: &digits)
        bulk(digits)
    }

    /// `$-1` or `_`.
    public mutating func null() {
        if isRESP3 { bytes.writeStaticString("_\r\n") } else { bytes.writeStaticString("$-1\r\n") }
    }

    /// `*-1` or `_`.
    public mutating func nullArray() {
        if isRESP3 { bytes.writeStaticString("_\r\n") } else { bytes.writeStaticString("*-1\r\n") }
    }

    public mutating func array(_ count: Int) { header(UInt8(ascii: "*"), count) }

    /// A map of `count` pairs: `%` in RESP3, a flat array in RESP2.
    public mutating func map(_ count: Int) {
        if isRESP3 { header(UInt8(ascii: "%"), count) } else { header(UInt8(ascii: "*"), count * 2) }
    }

    public mutating func set(_ count: Int) {
        header(isRESP3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), count)
    }

    public mutating func push(_ count: Int) {
        header(isRESP3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), count)
    }

    public mutating func boolean(_ value: Bool) {
        if isRESP3 { bytes.writeStaticString(value ? "#t\r\n" : "#f\r\n") } else { integer(value ? 1 : 0) }
    }

    /// addReplyDouble: `%.17g`, a bulk string in RESP2, `,` in RESP3.
    public mutating func double(_ value: Double) {
        let text: String
        if value.isInfinite {
            text = value > 0 ? "inf" : "-inf"
        } else {
            text = Self.format17g(value)
        }
        if isRESP3 { line(UInt8(ascii: ","), text) } else { bulk(text) }
    }

    /// A RESP3 one-line type: its marker, the text, CRLF.
    private mutating func line(_ marker: UInt8, _ text: String) {
        bytes.writeInteger(marker)
        bytes.writeString(text)
        bytes.writeStaticString("\r\n")
    }

    /// A big number: `(digits` in RESP3, a bulk string in RESP2.
    public mutating func bigNumber(_ digits: String) {
        if isRESP3 { line(UInt8(ascii: "("), digits) } else { bulk(digits) }
    }

    /// An attribute map of `count` pairs before a reply: RESP3 only (RESP2 clients get the reply alone).
    public mutating func attribute(_ count: Int) { header(UInt8(ascii: "|"), count) }

    /// `=len\r\ntxt:...` in RESP3, a bulk string in RESP2.
    public mutating func verbatim(_ text: String) {
        if isRESP3 {
            header(UInt8(ascii: "="), text.utf8.count + 4)
            bytes.writeStaticString("txt:")
            bytes.writeString(text)
            bytes.writeStaticString("\r\n")
        } else {
            bulk(text)
        }
    }

    public mutating func raw(_ protocolBytes: StaticString) { bytes.writeStaticString(protocolBytes) }

    public mutating func raw(_ protocolBytes: [UInt8]) { bytes.writeBytes(protocolBytes) }

    public mutating func emptyArray() { bytes.writeStaticString("*0\r\n") }

    private mutating func header(_ marker: UInt8, _ count: Int) {
        header(marker, Int64(count))
    }

    /// `marker`, the decimal digits and CRLF in one buffer write: a reply of
    /// one small integer is one capacity check, not four.
    private mutating func header(_ marker: UInt8, _ value: Int64) {
        bytes.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.maximumHeader) { out in
            Self.frame(marker, value, into: out, at: 0)
        }
    }

    /// Bulk strings framed in one pass with one capacity check (LRANGE,
    /// SMEMBERS): per element, only the copy of its bytes.
    public mutating func bulks<C: Collection>(_ items: C) where C.Element == [UInt8] {
        var size = 0
        for item in items { size += Self.maximumHeader + item.count + 2 }
        bytes.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var position = 0
            for item in items {
                position += Self.frame(UInt8(ascii: "$"), Int64(item.count), into: out, at: position)
                item.withUnsafeBytes { body in
                    if let base = body.baseAddress { (out.baseAddress! + position).copyMemory(from: base, byteCount: body.count) }
                }
                position += item.count
                out[position] = 13
                out[position + 1] = 10
                position += 2
            }
            return position
        }
    }

    /// Marker, sign, 20 digits, CRLF.
    private static let maximumHeader = 24

    /// Writes `marker`, `value` in decimal and CRLF at `position`; returns the length.
    @inline(__always)
    private static func frame(_ marker: UInt8, _ value: Int64, into out: UnsafeMutableRawBufferPointer, at position: Int) -> Int {
        var magnitude = value.magnitude
        var digits = 0
        repeat { digits += 1; magnitude /= 10 } while magnitude > 0
        let length = 1 + (value < 0 ? 1 : 0) + digits + 2
        out[position] = marker
        if value < 0 { out[position + 1] = UInt8(ascii: "-") }
        magnitude = value.magnitude
        var cursor = position + length - 3
        for _ in 0..<digits {
            out[cursor] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
            magnitude /= 10
            cursor -= 1
        }
        out[position + length - 2] = 13
        out[position + length - 1] = 10
        return length
    }

    static func format17g(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let count = withVaList([value]) { vsnprintf(buffer.baseAddress, 64, "%.17g", $0) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(count)), as: UTF8.self)
        }
    }
}

func appendDecimal(_ value: Int64, to digits: inout [UInt8]) {
    if value == 0 { digits.append(48); return }
    var magnitude = value.magnitude
    let start = digits.count
    while magnitude > 0 {
        digits.append(UInt8(48 + magnitude % 10))
        magnitude /= 10
    }
    if value < 0 { digits.append(UInt8(ascii: "-")) }
    digits[start...].reverse()
}
