import NIOCore

/// A RESP2 or RESP3 value. Bulk payloads stay as ByteBuffer slices, so keys and
/// values are binary safe and large replies are not copied.
public enum RESPValue: Hashable, Sendable {
    case simpleString(String)
    case simpleError(String)
    case integer(Int64)
    case bulkString(ByteBuffer)
    case array([RESPValue])
    /// RESP2 `$-1`.
    case nullBulkString
    /// RESP2 `*-1`.
    case nullArray
    /// RESP3 `_`.
    case null
    case boolean(Bool)
    case double(Double)
    case bigNumber(String)
    case bulkError(String)
    case verbatimString(format: String, text: String)
    case map([RESPPair])
    case set([RESPValue])
    case push([RESPValue])
}

public struct RESPPair: Hashable, Sendable {
    public var key: RESPValue
    public var value: RESPValue

    public init(_ key: RESPValue, _ value: RESPValue) {
        self.key = key
        self.value = value
    }
}

extension RESPValue {
    public static func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    /// A command as clients send it: an array of bulk strings.
    public static func command(_ arguments: [String]) -> RESPValue { .array(arguments.map(bulk)) }

    public var isNull: Bool {
        switch self {
        case .null, .nullArray, .nullBulkString: return true
        default: return false
        }
    }

    /// The error text of a simple or bulk error.
    public var errorMessage: String? {
        switch self {
        case .simpleError(let text), .bulkError(let text): return text
        default: return nil
        }
    }

    /// Text of any string-like value, integers and doubles included.
    public var string: String? {
        switch self {
        case .simpleString(let text), .bigNumber(let text): return text
        case .bulkString(let buffer): return String(buffer: buffer)
        case .verbatimString(_, let text): return text
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        default: return nil
        }
    }

    public var int: Int64? {
        switch self {
        case .integer(let value): return value
        case .simpleString, .bulkString: return string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// Elements of an array, set or push; a map is flattened into key, value, ...
    public var elements: [RESPValue]? {
        switch self {
        case .array(let items), .set(let items), .push(let items): return items
        case .map(let pairs): return pairs.flatMap { [$0.key, $0.value] }
        default: return nil
        }
    }
}
