import NIOCore

/// Writes RESP values. Commands are arrays of bulk strings; the other cases
/// exist so tests (and the node engine later) can produce every reply type.
public enum RESPEncoder {
    public static func encode(_ value: RESPValue, into buffer: inout ByteBuffer) {
        switch value {
        case .simpleString(let text): line("+", text, into: &buffer)
        case .simpleError(let text): line("-", text, into: &buffer)
        case .integer(let number): line(":", String(number), into: &buffer)
        case .bulkString(let payload): bulk("$", payload, into: &buffer)
        case .nullBulkString: buffer.writeStaticString("$-1\r\n")
        case .nullArray: buffer.writeStaticString("*-1\r\n")
        case .null: buffer.writeStaticString("_\r\n")
        case .boolean(let flag): buffer.writeStaticString(flag ? "#t\r\n" : "#f\r\n")
        case .double(let number): line(",", format(number), into: &buffer)
        case .bigNumber(let text): line("(", text, into: &buffer)
        case .bulkError(let text): bulk("!", ByteBuffer(string: text), into: &buffer)
        case .verbatimString(let format, let text): bulk("=", ByteBuffer(string: "\(format):\(text)"), into: &buffer)
        case .array(let items): aggregate("*", items, into: &buffer)
        case .set(let items): aggregate("~", items, into: &buffer)
        case .push(let items): aggregate(">", items, into: &buffer)
        case .map(let pairs):
            line("%", String(pairs.count), into: &buffer)
            for pair in pairs {
                encode(pair.key, into: &buffer)
                encode(pair.value, into: &buffer)
            }
        }
    }

    /// Encodes a command without building intermediate RESPValues.
    public static func encodeCommand<Arguments: Collection>(_ arguments: Arguments, into buffer: inout ByteBuffer)
    where Arguments.Element == ByteBuffer {
        line("*", String(arguments.count), into: &buffer)
        for argument in arguments { bulk("$", argument, into: &buffer) }
    }

    private static func line(_ type: Character, _ text: String, into buffer: inout ByteBuffer) {
        buffer.writeString(String(type))
        buffer.writeString(text)
        buffer.writeStaticString("\r\n")
    }

    private static func bulk(_ type: Character, _ payload: ByteBuffer, into buffer: inout ByteBuffer) {
        line(type, String(payload.readableBytes), into: &buffer)
        buffer.writeImmutableBuffer(payload)
        buffer.writeStaticString("\r\n")
    }

    private static func aggregate(_ type: Character, _ items: [RESPValue], into buffer: inout ByteBuffer) {
        line(type, String(items.count), into: &buffer)
        for item in items { encode(item, into: &buffer) }
    }

    private static func format(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        if number == number.rounded(), abs(number) < 1e17 { return String(Int64(number)) }
        return String(number)
    }
}
