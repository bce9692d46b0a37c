/// A string value with the encoding redis-server would give it: `int` for
/// canonical integers, `embstr` up to 44 bytes, `raw` beyond that or once
/// modified in place (APPEND, SETRANGE, SETBIT). Short embstr bytes are
/// stored inline (ByteString).
enum StringValue {
    case int(Int64)
    case embstr(ByteString)
    case raw([UInt8])

    /// tryObjectEncoding of a new value (SET, MSET, ...).
    static func encoded(_ bytes: [UInt8]) -> StringValue {
        if bytes.count <= 20, let value = RedisInteger.parse(bytes) { return .int(value) }
        return bytes.count <= 44 ? .embstr(ByteString(bytes)) : .raw(bytes)
    }

    /// tryObjectEncoding straight from request bytes: no array for short values.
    static func encoded(_ bytes: UnsafeRawBufferPointer) -> StringValue {
        if bytes.count <= 20, let value = RedisInteger.parse(bytes) { return .int(value) }
        if bytes.count <= ByteString.inlineCapacity { return .embstr(ByteString(bytes)) }
        return bytes.count <= 44 ? .embstr(.heap(Array(bytes))) : .raw(Array(bytes))
    }

    /// A value built by the server (INCRBYFLOAT, GETRANGE results): never int-encoded.
    static func created(_ bytes: [UInt8]) -> StringValue {
        bytes.count <= 44 ? .embstr(ByteString(bytes)) : .raw(bytes)
    }

    var bytes: [UInt8] {
        switch self {
        case .int(let value): RedisInteger.bytes(value)
        case .embstr(let bytes): bytes.bytes
        case .raw(let bytes): bytes
        }
    }

    /// The bytes without copying them where they are stored as bytes.
    @inline(__always)
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        switch self {
        case .int(let value): try RedisInteger.bytes(value).withUnsafeBytes(body)
        case .embstr(let bytes): try bytes.withBytes(body)
        case .raw(let bytes): try bytes.withUnsafeBytes(body)
        }
    }

    var count: Int {
        switch self {
        case .int(let value): RedisInteger.bytes(value).count
        case .embstr(let bytes): bytes.count
        case .raw(let bytes): bytes.count
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
