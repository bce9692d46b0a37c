/// Bytes that are not valid RESP, or that exceed a configured limit. The
/// connection that produced them cannot be trusted any more and must be closed.
public struct RESPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case unknownType(UInt8)
        case invalidLength(String)
        case invalidInteger(String)
        case invalidDouble(String)
        case invalidBoolean(String)
        case invalidVerbatimString
        case missingCRLF
        case lineTooLong(limit: Int)
        case bulkTooLong(length: Int, limit: Int)
        case aggregateTooLong(count: Int, limit: Int)
        case nestingTooDeep(limit: Int)
    }

    public let kind: Kind
    /// Byte offset from the start of the value being parsed.
    public let offset: Int

    public init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .unknownType(let byte): what = "unknown type byte 0x\(String(byte, radix: 16)) ('\(printable(byte))')"
        case .invalidLength(let text): what = "invalid length '\(text)'"
        case .invalidInteger(let text): what = "invalid integer '\(text)'"
        case .invalidDouble(let text): what = "invalid double '\(text)'"
        case .invalidBoolean(let text): what = "invalid boolean '\(text)' (expected t or f)"
        case .invalidVerbatimString: what = "verbatim string without its 3-byte format and ':'"
        case .missingCRLF: what = "expected CRLF"
        case .lineTooLong(let limit): what = "line longer than \(limit) bytes without CRLF"
        case .bulkTooLong(let length, let limit): what = "bulk length \(length) exceeds the limit of \(limit) bytes"
        case .aggregateTooLong(let count, let limit): what = "aggregate of \(count) elements exceeds the limit of \(limit)"
        case .nestingTooDeep(let limit): what = "nesting deeper than \(limit) levels"
        }
        return "RESP protocol error at byte \(offset): \(what)"
    }

    private func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "?"
    }
}
