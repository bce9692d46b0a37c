/// The size redis-server would give a client's reply buffer (CLIENT LIST's
/// rbs and rbp): 16 KB at first, halved by the cron while the peak of what a
/// batch wrote stays under half of it, doubled back (up to 16 KB) while
/// batches fill it (clientsCronResizeOutputBuffer). The engine's own buffers
/// grow as needed; this keeps the figures clients and tests read.
struct ReplyBufferSizing {
    static let chunk = 16 * 1024  // PROTO_REPLY_CHUNK_BYTES
    static let minimum = 1024  // PROTO_REPLY_MIN_BYTES

    private(set) var size = chunk
    private(set) var peak = chunk
    private var peakResetAt: Int64

    init(now: Int64) { peakResetAt = now }

    /// After a batch: what it wrote, as far as the buffer would have held it.
    mutating func wrote(_ bytes: Int) {
        peak = max(peak, min(bytes, size))
    }

    /// One cron pass; `peakResetTime` is DEBUG REPLYBUFFER's (ms, -1 never).
    mutating func resize(now: Int64, peakResetTime: Int64, enabled: Bool) {
        guard enabled else { return }
        var newSize = 0
        if size / 2 >= Self.minimum && peak < size / 2 {
            newSize = max(Self.minimum, peak + 1)
        } else if size * 2 < Self.chunk * 2 && peak == size {
            newSize = min(Self.chunk, size * 2)
        }
        if peakResetTime >= 0 && now - peakResetAt >= peakResetTime {
            peak = 0
            peakResetAt = now
        }
        if newSize > 0 { size = MemoryEstimate.jemalloc(newSize) }
    }
}
