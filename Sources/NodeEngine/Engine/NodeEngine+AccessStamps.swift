/// Each key's 24-bit access stamp, as redis-server keeps robj->lru: the LRU
/// clock in seconds, or under an LFU maxmemory policy the minute of the
/// last access (16 bits) and a logarithmic access counter (8 bits) that
/// decays by one every lfu-decay-time minutes (evict.c).
extension NodeEngine {
    static let lfuInitialCounter: UInt32 = 5

    /// The stamp of a key just created.
    var newKeyStamp: UInt32 { usesLFU ? lfuMinutes << 8 | Self.lfuInitialCounter : lruClock }

    /// The stamp of a key after an access (updateLFU, or the LRU clock).
    @inline(__always)
    func touchedStamp(_ old: UInt32) -> UInt32 {
        usesLFU ? lfuTouched(old) : lruClock
    }

    /// A stamp for RESTORE's or an RDB file's FREQ.
    func stamp(frequency: UInt32) -> UInt32 { lfuMinutes << 8 | min(frequency, 255) }

    /// LFUGetTimeInMinutes.
    var lfuMinutes: UInt32 { UInt32(truncatingIfNeeded: (now / 60_000) & 0xFFFF) }

    /// LFUDecrAndReturn: the counter less one per decay period since the last access.
    func lfuCounter(_ stamp: UInt32) -> UInt32 {
        let lastMinute = stamp >> 8
        let counter = stamp & 0xFF
        let decay = UInt32(clamping: max(0, config.integer("lfu-decay-time")))
        guard decay > 0 else { return counter }
        let minutes = lfuMinutes
        let elapsed = minutes >= lastMinute ? minutes - lastMinute : 65535 - lastMinute + minutes
        let periods = elapsed / decay
        return periods > counter ? 0 : counter - periods
    }

    private func lfuTouched(_ old: UInt32) -> UInt32 {
        var counter = lfuCounter(old)
        // LFULogIncr: the more accesses already counted, the less likely one more is.
        if counter < 255 {
            let base = Double(counter > Self.lfuInitialCounter ? counter - Self.lfuInitialCounter : 0)
            let probability = 1.0 / (base * Double(max(0, config.integer("lfu-log-factor"))) + 1)
            if Double.random(in: 0..<1, using: &random) < probability { counter += 1 }
        }
        return lfuMinutes << 8 | counter
    }
}
