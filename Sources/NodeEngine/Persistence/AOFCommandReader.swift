import NIOCore

/// The commands of an AOF file, read as loadSingleAppendOnlyFile reads
/// them: lines as its fgets gets them (at most 1023 bytes), `#` lines
/// skipped (annotations such as `#TS:`), `*<argc>`, then per argument
/// `$<len>`, the bytes and two more (not checked). The end of the file
/// inside a command is a short read (a truncated file); anything else out
/// of shape is a format error. Arguments borrow the file's buffer.
struct AOFCommandReader {
    enum Step {
        case command(Arguments)
        case end
        /// The file ends inside the command that starts at `offset`.
        case truncated(offset: Int)
        /// The line at `offset` is not what a command needs there.
        case badFormat(offset: Int)
    }

    let bytes: ByteBuffer
    /// Where the next read starts (ftello).
    private(set) var offset: Int
    private let end: Int

    init(_ bytes: ByteBuffer, from offset: Int) {
        self.bytes = bytes
        self.offset = bytes.readerIndex + offset
        end = bytes.writerIndex
    }

    /// fgets with a 1024-byte buffer: up to a newline, 1023 bytes or the end; nil at the end.
    private mutating func line() -> Range<Int>? {
        guard offset < end else { return nil }
        let limit = min(end, offset + 1023)
        let newline = bytes.withUnsafeReadableBytes { all -> Int? in
            let base = bytes.readerIndex
            for index in offset..<limit where all[index - base] == 10 { return index }
            return nil
        }
        let stop = newline.map { $0 + 1 } ?? limit
        defer { offset = stop }
        return offset..<stop
    }

    private func byte(_ index: Int) -> UInt8 { bytes.getInteger(at: index, as: UInt8.self)! }

    /// atoi / strtol over a line after its marker: leading spaces, a sign, digits.
    private func number(_ range: Range<Int>) -> Int? {
        var index = range.lowerBound + 1
        while index < range.upperBound, byte(index) == 32 || (byte(index) >= 9 && byte(index) <= 13) { index += 1 }
        var negative = false
        if index < range.upperBound, byte(index) == UInt8(ascii: "-") || byte(index) == UInt8(ascii: "+") {
            negative = byte(index) == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var digits = 0
        while index < range.upperBound, byte(index) >= 48, byte(index) <= 57, digits < 18 {
            value = value * 10 + Int(byte(index) - 48)
            index += 1
            digits += 1
        }
        return negative ? -value : value
    }

    mutating func next() -> Step {
        while true {
            let start = offset
            guard let header = line() else { return .end }
            let marker = byte(header.lowerBound)
            if marker == UInt8(ascii: "#") { continue }
            guard marker == UInt8(ascii: "*") else { return .badFormat(offset: start) }
            // "*" and then the end of the file (buf[1] == '\0').
            if header.count == 1 { return .truncated(offset: start) }
            guard let count = number(header), count >= 1 else { return .badFormat(offset: start) }
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(min(count, 1024))
            for _ in 0..<count {
                guard let lengthLine = line() else { return .truncated(offset: start) }
                guard byte(lengthLine.lowerBound) == UInt8(ascii: "$") else { return .badFormat(offset: start) }
                // strtol of a negative length makes an impossible allocation in redis-server.
                guard let length = number(lengthLine), length >= 0 else { return .badFormat(offset: start) }
                guard end - offset >= length else { return .truncated(offset: start) }
                ranges.append(offset..<(offset + length))
                offset += length
                // The CRLF after the bytes: read, not checked.
                guard end - offset >= 2 else { return .truncated(offset: start) }
                offset += 2
            }
            return .command(Arguments(buffer: bytes, ranges: ranges))
        }
    }
}
