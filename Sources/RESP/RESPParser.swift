import NIOCore

/// An incremental RESP2/RESP3 parser. `next(from:)` either consumes exactly one
/// complete value or, when the frame is still incomplete, consumes nothing and
/// returns nil so the caller can append more bytes and try again: a frame may
/// be split at any byte. Limits bound memory and recursion for hostile input.
public struct RESPParser: Sendable {
    public struct Limits: Sendable, Hashable {
        /// Largest bulk string accepted (Redis's proto-max-bulk-len default).
        public var maxBulkLength: Int
        /// Largest element count of an array, set, push or map (pairs count twice).
        public var maxAggregateLength: Int
        public var maxDepth: Int
        /// Longest simple line (type byte + text) before its CRLF arrives.
        public var maxLineLength: Int

        public init(maxBulkLength: Int = 512 * 1024 * 1024, maxAggregateLength: Int = 1 << 24,
                    maxDepth: Int = 64, maxLineLength: Int = 64 * 1024) {
            self.maxBulkLength = maxBulkLength
            self.maxAggregateLength = maxAggregateLength
            self.maxDepth = maxDepth
            self.maxLineLength = maxLineLength
        }

        public static let `default` = Limits()
    }

    public var limits: Limits

    public init(limits: Limits = .default) {
        self.limits = limits
    }

    public func next(from buffer: inout ByteBuffer) throws(RESPProtocolError) -> RESPValue? {
        var reader = Reader(buffer: buffer, limits: limits)
        guard let value = try reader.value(depth: 1) else { return nil }
        buffer.moveReaderIndex(to: reader.position)
        return value
    }
}

private struct Reader {
    let buffer: ByteBuffer
    let limits: RESPParser.Limits
    let start: Int
    var position: Int

    init(buffer: ByteBuffer, limits: RESPParser.Limits) {
        self.buffer = buffer
        self.limits = limits
        self.start = buffer.readerIndex
        self.position = buffer.readerIndex
    }

    private var end: Int { buffer.writerIndex }

    private func error(_ kind: RESPProtocolError.Kind, at index: Int? = nil) -> RESPProtocolError {
        RESPProtocolError(kind, offset: (index ?? position) - start)
    }

    mutating func value(depth: Int) throws(RESPProtocolError) -> RESPValue? {
        guard depth <= limits.maxDepth else { throw error(.nestingTooDeep(limit: limits.maxDepth)) }
        guard position < end, let type = buffer.getInteger(at: position, as: UInt8.self) else { return nil }
        let typeIndex = position
        guard let line = try line(after: position + 1) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(line)
        case UInt8(ascii: "-"): return .simpleError(line)
        case UInt8(ascii: ":"):
            guard let value = Int64(line) else { throw error(.invalidInteger(line), at: typeIndex) }
            return .integer(value)
        case UInt8(ascii: "_"):
            guard line.isEmpty else { throw error(.invalidLength(line), at: typeIndex) }
            return .null
        case UInt8(ascii: "#"):
            switch line {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw error(.invalidBoolean(line), at: typeIndex)
            }
        case UInt8(ascii: ","): return .double(try double(line, at: typeIndex))
        case UInt8(ascii: "("):
            guard isBigNumber(line) else { throw error(.invalidInteger(line), at: typeIndex) }
            return .bigNumber(line)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            return try bulk(type: type, lengthText: line, typeIndex: typeIndex)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            return try aggregate(type: type, lengthText: line, typeIndex: typeIndex, depth: depth)
        default:
            throw error(.unknownType(type), at: typeIndex)
        }
    }

    /// Reads the text up to the next CRLF and moves past it; nil if no CRLF yet.
    private mutating func line(after index: Int) throws(RESPProtocolError) -> String? {
        let available = end - index
        let searchLength = min(available, limits.maxLineLength + 1)
        let crIndex: Int? = buffer.withUnsafeReadableBytes { bytes in
            let base = index - buffer.readerIndex
            for offset in 0..<searchLength where bytes[base + offset] == 13 { return index + offset }
            return nil
        }
        guard let cr = crIndex else {
            if available > limits.maxLineLength { throw error(.lineTooLong(limit: limits.maxLineLength)) }
            return nil
        }
        guard cr + 1 < end else { return nil }
        guard buffer.getInteger(at: cr + 1, as: UInt8.self) == 10 else { throw error(.missingCRLF, at: cr) }
        let text = buffer.getString(at: index, length: cr - index) ?? ""
        position = cr + 2
        return text
    }

    private func length(_ text: String, at index: Int, limit: Int,
                        tooLong: (Int, Int) -> RESPProtocolError.Kind) throws(RESPProtocolError) -> Int? {
        guard let length = Int(text), length >= -1, text.first != "+" else {
            throw error(.invalidLength(text), at: index)
        }
        if length == -1 { return nil }
        guard length <= limit else { throw error(tooLong(length, limit), at: index) }
        return length
    }

    private mutating func bulk(type: UInt8, lengthText: String, typeIndex: Int) throws(RESPProtocolError) -> RESPValue? {
        guard let length = try length(lengthText, at: typeIndex, limit: limits.maxBulkLength,
                                      tooLong: { .bulkTooLong(length: $0, limit: $1) })
        else {
            guard type == UInt8(ascii: "$") else { throw error(.invalidLength(lengthText), at: typeIndex) }
            return .nullBulkString
        }
        guard end - position >= length + 2 else { return nil }
        guard buffer.getInteger(at: position + length, as: UInt8.self) == 13,
              buffer.getInteger(at: position + length + 1, as: UInt8.self) == 10
        else { throw error(.missingCRLF, at: position + length) }
        let payload = buffer.getSlice(at: position, length: length)!
        position += length + 2
        switch type {
        case UInt8(ascii: "!"): return .bulkError(String(buffer: payload))
        case UInt8(ascii: "="):
            let text = String(buffer: payload)
            guard length >= 4, text.utf8.dropFirst(3).first == UInt8(ascii: ":") else {
                throw error(.invalidVerbatimString, at: typeIndex)
            }
            return .verbatimString(format: String(text.prefix(3)), text: String(text.dropFirst(4)))
        default: return .bulkString(payload)
        }
    }

    private mutating func aggregate(type: UInt8, lengthText: String, typeIndex: Int,
                                    depth: Int) throws(RESPProtocolError) -> RESPValue? {
        let isPaired = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
        let limit = isPaired ? limits.maxAggregateLength / 2 : limits.maxAggregateLength
        guard let count = try length(lengthText, at: typeIndex, limit: limit,
                                     tooLong: { .aggregateTooLong(count: $0, limit: $1) })
        else {
            guard type == UInt8(ascii: "*") else { throw error(.invalidLength(lengthText), at: typeIndex) }
            return .nullArray
        }
        var items: [RESPValue] = []
        for _ in 0..<(isPaired ? count * 2 : count) {
            guard let item = try value(depth: depth + 1) else { return nil }
            items.append(item)
        }
        switch type {
        case UInt8(ascii: "~"): return .set(items)
        case UInt8(ascii: ">"): return .push(items)
        case UInt8(ascii: "%"): return .map(pairs(items))
        case UInt8(ascii: "|"):
            // Attributes annotate the value that follows; rcluster has no use for
            // them, so they are skipped as RESP3 allows.
            return try value(depth: depth)
        default: return .array(items)
        }
    }

    private func pairs(_ items: [RESPValue]) -> [RESPPair] {
        stride(from: 0, to: items.count, by: 2).map { RESPPair(items[$0], items[$0 + 1]) }
    }

    private func double(_ text: String, at index: Int) throws(RESPProtocolError) -> Double {
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan
        default:
            guard let value = Double(text), value.isFinite else { throw error(.invalidDouble(text), at: index) }
            return value
        }
    }

    private func isBigNumber(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }
}
