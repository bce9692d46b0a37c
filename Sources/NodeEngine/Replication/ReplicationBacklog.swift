/// The replication backlog: the last `capacity` bytes of the replication
/// stream in a ring, so a replica that lost its link for a while resumes
/// with the bytes it missed (PSYNC's +CONTINUE) instead of a new snapshot.
/// Offsets are those of the stream: byte N of the stream has offset N, the
/// first byte is offset 1 (master_repl_offset counts bytes fed).
///
/// The ring grows with the stream up to `capacity` (Redis 7.0's backlog is
/// a list of blocks allocated as bytes arrive): every node of a cluster has
/// a backlog, and an idle one would otherwise hold repl-backlog-size (1 MB)
/// of zeroes it never wrote.
struct ReplicationBacklog {
    private(set) var capacity: Int
    /// Until it reaches `capacity`, the history in stream order.
    private var ring: [UInt8] = []
    /// Where the next byte goes in `ring`.
    private var writeIndex = 0
    /// How many bytes the ring holds (repl_backlog_histlen).
    private(set) var historyLength = 0
    /// The offset of the last byte fed (master_repl_offset).
    private(set) var endOffset: Int64

    /// A backlog for a stream whose bytes so far end at `offset`.
    init(capacity: Int, endingAt offset: Int64) {
        self.capacity = max(16 * 1024, capacity)
        endOffset = offset
    }

    /// The bytes the ring has allocated (MEMORY STATS replication.backlog).
    var allocatedBytes: Int { ring.capacity }

    /// repl_backlog_first_byte_offset: the offset of the oldest byte held.
    var firstByteOffset: Int64 { endOffset - Int64(historyLength) + 1 }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        endOffset += Int64(bytes.count)
        var source = bytes.count > capacity ? UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - capacity)...]) : bytes
        historyLength = min(capacity, historyLength + bytes.count)
        if ring.count < capacity {
            let grown = min(capacity - ring.count, source.count)
            if ring.capacity < ring.count + grown {
                ring.reserveCapacity(min(capacity, max(ring.count + grown, 2 * ring.capacity, 16 * 1024)))
            }
            ring.append(contentsOf: source[..<grown])
            writeIndex = ring.count % capacity
            source = UnsafeRawBufferPointer(rebasing: source[grown...])
        }
        while !source.isEmpty {
            let room = capacity - writeIndex
            let chunk = min(room, source.count)
            ring.withUnsafeMutableBytes { ring in
                ring.baseAddress!.advanced(by: writeIndex).copyMemory(from: source.baseAddress!, byteCount: chunk)
            }
            writeIndex = (writeIndex + chunk) % capacity
            source = UnsafeRawBufferPointer(rebasing: source[chunk...])
        }
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Whether a replica that wants the stream from `offset` on (PSYNC's
    /// offset: one past what it has) can be served from here.
    func holds(from offset: Int64) -> Bool {
        offset >= firstByteOffset && offset <= endOffset + 1
    }

    /// The bytes from `offset` to the end; nil when they are not all held.
    func bytes(from offset: Int64) -> [UInt8]? {
        guard holds(from: offset) else { return nil }
        let count = Int(endOffset + 1 - offset)
        var start = writeIndex - count
        if start < 0 { start += capacity }
        if start + count <= capacity { return Array(ring[start..<(start + count)]) }
        return Array(ring[start...]) + Array(ring[..<(start + count - capacity)])
    }

    /// CONFIG SET repl-backlog-size: a new ring that keeps what fits of the old history.
    mutating func resize(to newCapacity: Int) {
        let kept = bytes(from: endOffset + 1 - Int64(min(historyLength, max(16 * 1024, newCapacity)))) ?? []
        self = ReplicationBacklog(capacity: newCapacity, endingAt: endOffset - Int64(kept.count))
        append(kept)
    }
}
