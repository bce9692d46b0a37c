import NIOCore

/// Frames client requests out of the bytes read so far, as redis-server's
/// processMultibulkBuffer / processInlineBuffer do, with their limits and
/// their exact protocol error texts (after which the connection closes).
public struct RequestParser {
    public enum Outcome {
        case command(Arguments)
        /// `*0`, `*-1` or a blank inline line: nothing to run.
        case empty
        case incomplete
        case protocolError(String)
    }

    /// PROTO_INLINE_MAX_SIZE: the longest inline request or length line.
    static let inlineMax = 64 * 1024

    public var maxBulkLength: Int
    private var ranges: [Range<Int>] = []

    public init(maxBulkLength: Int = 512 * 1024 * 1024) {
        self.maxBulkLength = maxBulkLength
    }

    /// Consumes one request from `buffer` if it is complete. `authRequired`
    /// applies the tighter limits for clients that have not authenticated.
    public mutating func next(from buffer: inout ByteBuffer, authRequired: Bool) -> Outcome {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return .incomplete }
        return first == UInt8(ascii: "*") ? multibulk(&buffer, authRequired: authRequired) : inline(&buffer)
    }

    private func findCR(_ buffer: ByteBuffer, from index: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            let start = index - buffer.readerIndex
            return bytes[start...].firstIndex(of: 13).map { $0 + buffer.readerIndex }
        }
    }

    private func integer(_ buffer: ByteBuffer, _ range: Range<Int>) -> Int64? {
        buffer.withUnsafeReadableBytes { bytes in
            let base = range.lowerBound - buffer.readerIndex
            return RedisInteger.parse(UnsafeRawBufferPointer(rebasing: bytes[base..<(base + range.count)]))
        }
    }

    private mutating func multibulk(_ buffer: inout ByteBuffer, authRequired: Bool) -> Outcome {
        let start = buffer.readerIndex
        let end = buffer.writerIndex
        guard let cr = findCR(buffer, from: start) else {
            return end - start > Self.inlineMax ? .protocolError("Protocol error: too big mbulk count string") : .incomplete
        }
        guard cr + 1 < end else { return .incomplete }  // the \n must be there too
        guard let count = integer(buffer, (start + 1)..<cr), count <= Int64(Int32.max) else {
            return .protocolError("Protocol error: invalid multibulk length")
        }
        if count > 10 && authRequired { return .protocolError("Protocol error: unauthenticated multibulk length") }
        var position = cr + 2
        if count <= 0 {
            buffer.moveReaderIndex(to: position)
            return .empty
        }
        // The ranges of one huge request are not kept: redis-server frees argv after each command.
        if ranges.capacity > 4096 { ranges = [] } else { ranges.removeAll(keepingCapacity: true) }
        for _ in 0..<count {
            guard position < end else { return .incomplete }
            guard let lineEnd = findCR(buffer, from: position) else {
                return end - position > Self.inlineMax ? .protocolError("Protocol error: too big bulk count string") : .incomplete
            }
            guard lineEnd + 1 < end else { return .incomplete }
            let marker = buffer.getInteger(at: position, as: UInt8.self)!
            guard marker == UInt8(ascii: "$") else {
                return .protocolError("Protocol error: expected '$', got '\(Character(Unicode.Scalar(marker)))'")
            }
            guard let length = integer(buffer, (position + 1)..<lineEnd), length >= 0, length <= Int64(maxBulkLength) else {
                return .protocolError("Protocol error: invalid bulk length")
            }
            if length > 16384 && authRequired { return .protocolError("Protocol error: unauthenticated bulk length") }
            let dataStart = lineEnd + 2
            // The two bytes after the data are skipped unread, as redis-server does.
            guard end - dataStart >= Int(length) + 2 else { return .incomplete }
            ranges.append(dataStart..<(dataStart + Int(length)))
            position = dataStart + Int(length) + 2
        }
        let arguments = Arguments(buffer: buffer, ranges: ranges)
        buffer.moveReaderIndex(to: position)
        return .command(arguments)
    }

    private func inline(_ buffer: inout ByteBuffer) -> Outcome {
        let start = buffer.readerIndex
        let newline = buffer.withUnsafeReadableBytes { $0.firstIndex(of: 10) }
        guard let newline else {
            return buffer.readableBytes > Self.inlineMax ? .protocolError("Protocol error: too big inline request") : .incomplete
        }
        var lineLength = newline
        if lineLength > 0 && buffer.getInteger(at: start + lineLength - 1, as: UInt8.self) == 13 { lineLength -= 1 }
        let words = buffer.withUnsafeReadableBytes { bytes in
            InlineSplitter.split(UnsafeRawBufferPointer(rebasing: bytes[0..<lineLength]))
        }
        guard let words else { return .protocolError("Protocol error: unbalanced quotes in request") }
        buffer.moveReaderIndex(forwardBy: newline + 1)
        return words.isEmpty ? .empty : .command(Arguments(bytes: words))
    }
}
