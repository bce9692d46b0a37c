import NIOCore

/// One command's arguments: ranges of one buffer, so parsing a request
/// copies nothing. A handler copies out only what it keeps (keys, values).
public struct Arguments {
    public private(set) var buffer: ByteBuffer
    private(set) var ranges: [Range<Int>]

    init(buffer: ByteBuffer, ranges: [Range<Int>]) {
        self.buffer = buffer
        self.ranges = ranges
    }

    /// From plain strings (tests, internal callers).
    public init(_ words: [String]) {
        var buffer = ByteBuffer()
        var ranges: [Range<Int>] = []
        for word in words {
            let start = buffer.writerIndex
            buffer.writeString(word)
            ranges.append(start..<buffer.writerIndex)
        }
        self.init(buffer: buffer, ranges: ranges)
    }

    public init(bytes: [[UInt8]]) {
        var buffer = ByteBuffer()
        var ranges: [Range<Int>] = []
        for word in bytes {
            let start = buffer.writerIndex
            buffer.writeBytes(word)
            ranges.append(start..<buffer.writerIndex)
        }
        self.init(buffer: buffer, ranges: ranges)
    }

    public var count: Int { ranges.count }

    /// Argument `index` as a byte array (a copy).
    public subscript(index: Int) -> [UInt8] {
        let range = ranges[index]
        return buffer.getBytes(at: range.lowerBound, length: range.count) ?? []
    }

    public func length(_ index: Int) -> Int { ranges[index].count }

    /// Where argument `index` lies in `buffer` (absolute indices).
    func range(_ index: Int) -> Range<Int> { ranges[index] }

    /// Runs `body` on argument `index`'s bytes without copying them.
    @inline(__always)
    public func withBytes<T>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let range = ranges[index]
        return try buffer.withUnsafeReadableBytes { all in
            let base = range.lowerBound - buffer.readerIndex
            return try body(UnsafeRawBufferPointer(rebasing: all[base..<(base + range.count)]))
        }
    }

    public func string(_ index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Argument `index` equals `word` ignoring ASCII case (`word` is lowercase).
    public func isWord(_ index: Int, _ word: StaticString) -> Bool {
        guard index < count, length(index) == word.utf8CodeUnitCount else { return false }
        return withBytes(index) { bytes in
            word.withUTF8Buffer { expected in
                for offset in 0..<expected.count where asciiLower(bytes[offset]) != expected[offset] { return false }
                return true
            }
        }
    }

    /// The lowercase name (argument 0 or a subcommand) for lookups and messages.
    public func lowercased(_ index: Int) -> String {
        withBytes(index) { String(decoding: $0.map(asciiLower), as: UTF8.self) }
    }

    public func integer(_ index: Int) -> Int64? {
        withBytes(index) { RedisInteger.parse($0) }
    }

    /// Arguments from `start` on, as byte arrays.
    public func tail(from start: Int) -> [[UInt8]] {
        start < count ? (start..<count).map { self[$0] } : []
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 65 && byte <= 90 ? byte | 0x20 : byte
}
