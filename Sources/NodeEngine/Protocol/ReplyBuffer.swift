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
        bytes.writeInteger(UInt8(ascii: ":"))
        writeDecimal(Int64(value))
        bytes.writeStaticString("\r\n")
    }

    public mutating func bulk(_ value: [UInt8]) {
        header(UInt8(ascii: "$"), value.count)
        bytes.writeBytes(value)
        bytes.writeStaticString("\r\n")
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
        if isRESP3 {
            bytes.writeInteger(UInt8(ascii: ","))
            bytes.writeString(text)
            bytes.writeStaticString("\r\n")
        } else {
            bulk(text)
        }
    }

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
        bytes.writeInteger(marker)
        writeDecimal(Int64(count))
        bytes.writeStaticString("\r\n")
    }

    /// Decimal digits straight into the buffer, without a temporary array.
    private mutating func writeDecimal(_ value: Int64) {
        if value >= 0 && value < 10 {
            bytes.writeInteger(UInt8(48 + value))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits and a sign fit
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            while magnitude > 0 {
                position -= 1
                buffer[position] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            }
            if value < 0 {
                position -= 1
                buffer[position] = UInt8(ascii: "-")
            }
            bytes.writeBytes(UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
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
