/// A string value with the encoding redis-server would give it: `int` for
/// canonical integers, `embstr` up to 44 bytes, `raw` beyond that or once
/// modified in place (APPEND, SETRANGE, SETBIT).
enum StringValue {
    case int(Int64)
    case embstr([UInt8])
    case raw([UInt8])

    /// tryObjectEncoding of a new value (SET, MSET, ...).
    static func encoded(_ bytes: [UInt8]) -> StringValue {
        if bytes.count <= 20, let value = RedisInteger.parse(bytes) { return .int(value) }
        return bytes.count <= 44 ? .embstr(bytes) : .raw(bytes)
    }

    /// A value built by the server (INCRBYFLOAT, GETRANGE results): never int-encoded.
    static func created(_ bytes: [UInt8]) -> StringValue {
        bytes.count <= 44 ? .embstr(bytes) : .raw(bytes)
    }

    var bytes: [UInt8] {
        switch self {
        case .int(let value): RedisInteger.bytes(value)
        case .embstr(let bytes), .raw(let bytes): bytes
        }
    }

    var count: Int {
        switch self {
        case .int(let value): RedisInteger.bytes(value).count
        case .embstr(let bytes), .raw(let bytes): bytes.count
        }
    }

    var encodingName: String {
        switch self {
        case .int: "int"
        case .embstr: "embstr"
        case .raw: "raw"
        }
    }
}
