/// Counters INFO reports.
struct ServerStats {
    var connectionsReceived: Int64 = 0
    var blockedClients: Int64 = 0
    var rejectedConnections: Int64 = 0
    var commandsProcessed: Int64 = 0
    var keyspaceHits: Int64 = 0
    var keyspaceMisses: Int64 = 0
    var expiredKeys: Int64 = 0
    var evictedKeys: Int64 = 0
    var errorReplies: Int64 = 0
    var protocolErrors: Int64 = 0
    var netInputBytes: Int64 = 0
    var netOutputBytes: Int64 = 0
    /// Per command (CommandEntry.statsIndex).
    var commandCalls: [Int64] = []
    var commandMicroseconds: [Int64] = []
    var commandFailures: [Int64] = []
    /// lazyfreed_objects: values a background free would have taken (effort past 64).
    var lazyfreedObjects: Int64 = 0
    /// The error replies counted against a command so far (incrCommandStatsOnError's prev_err_count).
    var errorsAccounted: Int64 = 0
    /// The command running replied an error already counted where it arose (a script's, from its redis.call):
    /// it failed all the same (afterErrorReply's NO_STATS_UPDATE branch).
    var failedUncounted = false
    /// Refused before they ran (arity, OOM, MOVED, a script's refused redis.call): rejected_calls.
    var commandRejections: [Int64] = []
    /// LATENCY HISTOGRAM: per command, calls by duration bucket (latencyBucket).
    var commandHistograms: [Int64] = []
    static let latencyBuckets = 21
    /// By error code (the first word: ERR, WRONGTYPE, ...), for INFO errorstats.
    var errorCodes: [String: Int64] = [:]

    mutating func countError(_ message: String) {
        let code = message.prefix { $0 != " " }
        errorCodes[String(code), default: 0] += 1
    }

    mutating func reset() {
        let commands = commandCalls.count
        let blocked = blockedClients
        self = ServerStats()
        blockedClients = blocked
        commandCalls = Array(repeating: 0, count: commands)
        commandMicroseconds = Array(repeating: 0, count: commands)
        commandFailures = Array(repeating: 0, count: commands)
        commandRejections = Array(repeating: 0, count: commands)
        commandHistograms = Array(repeating: 0, count: commands * Self.latencyBuckets)
    }

    /// redis-server's hdr histogram, read back as LATENCY HISTOGRAM reads it:
    /// in nanoseconds from 1 ns to 1 s, one bucket per power of two from 1024 ns.
    @inline(__always)
    mutating func recordLatency(of command: Int, microseconds: Int64) {
        let nanoseconds = UInt64(min(max(1, microseconds * 1000), 1_000_000_000))
        let bucket = nanoseconds < 1024 ? 0 : UInt64.bitWidth - (nanoseconds >> 10).leadingZeroBitCount
        commandHistograms[command * Self.latencyBuckets + min(bucket, Self.latencyBuckets - 1)] += 1
    }

    /// The upper bound of a bucket, in µs, as LATENCY HISTOGRAM labels it.
    static func latencyBucketLimit(_ bucket: Int) -> Int64 { (Int64(1024) << bucket - 1) / 1000 }
}
