import CEngineSupport

/// MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS and PURGE, as redis-server
/// 7.0.15 built with libc malloc answers them (the engine's allocator).
enum MemoryCommands {
    static let all: [(String, CommandHandler)] = [
        ("memory|usage", usage), ("memory|stats", stats), ("memory|doctor", doctor),
        ("memory|malloc-stats", mallocStats), ("memory|purge", purge),
    ]

    /// The key as it is stored, expired or not, untouched (memoryCommand's dictFind).
    static func usage(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var samples = 5
        var index = 3
        while index < a.count {
            if a.isWord(index, "samples") && index + 1 < a.count {
                guard let count = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                guard count >= 0 else { return e.fail(c, "ERR syntax error") }
                samples = Int(clamping: count)
                index += 2
            } else {
                return e.fail(c, "ERR syntax error")
            }
        }
        let key = a[2]
        guard let found = e.databases[c.db].table.find(key) else { return c.reply.null() }
        c.reply.integer(MemoryEstimate.bytes(key: key, value: e.databases[c.db].table[value: found], samples: samples,
                                             listMaxListpackSize: Int(e.config.integer("list-max-listpack-size")),
                                             cluster: e.cluster != nil))
    }

    static func stats(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let overhead = MemoryOverhead(e)
        c.reply.map(27 + overhead.databases.count)
        func field(_ name: String, _ value: Int64) { c.reply.bulk(name); c.reply.integer(value) }
        func ratio(_ name: String, _ value: Double) { c.reply.bulk(name); c.reply.double(value) }
        field("peak.allocated", overhead.peak)
        field("total.allocated", overhead.total)
        field("startup.allocated", overhead.startup)
        field("replication.backlog", Int64(e.replication.backlog?.allocatedBytes ?? 0))
        field("clients.slaves", 0)
        field("clients.normal", overhead.clientBuffers)
        field("cluster.links", overhead.clusterLinks)
        field("aof.buffer", Int64(e.aof.buffer.readableBytes))
        field("lua.caches", 0)
        field("functions.caches", 0)
        for database in overhead.databases {
            c.reply.bulk("db.\(database.index)")
            c.reply.map(3)
            field("overhead.hashtable.main", database.main)
            field("overhead.hashtable.expires", database.expires)
            field("overhead.hashtable.slot-to-keys", 0)
        }
        field("overhead.total", overhead.overheadTotal)
        field("keys.count", overhead.keys)
        field("keys.bytes-per-key", overhead.bytesPerKey)
        field("dataset.bytes", overhead.dataset)
        ratio("dataset.percentage", overhead.datasetPercentage)
        ratio("peak.percentage", overhead.peakPercentage)
        field("allocator.allocated", overhead.total)
        field("allocator.active", overhead.total)
        field("allocator.resident", overhead.resident)
        ratio("allocator-fragmentation.ratio", 1)
        field("allocator-fragmentation.bytes", 0)
        ratio("allocator-rss.ratio", overhead.rssRatio)
        field("allocator-rss.bytes", overhead.resident - overhead.total)
        ratio("rss-overhead.ratio", 1)
        field("rss-overhead.bytes", 0)
        ratio("fragmentation", overhead.rssRatio)
        field("fragmentation.bytes", overhead.resident - overhead.total)
    }

    static func doctor(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.verbatim(MemoryOverhead(e).doctorReport(clients: e.clients.count))
    }

    /// redis-server without jemalloc has no allocator report to give.
    static func mallocStats(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.bulk("Stats not supported for the current allocator")
    }

    /// glibc's malloc_trim gives free pages back, as jemalloc's purge does.
    static func purge(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        _ = rcluster_release_free_memory()
        c.reply.ok()
    }
}

/// getMemoryOverheadData: where the node's memory goes.
struct MemoryOverhead {
    struct DatabaseOverhead {
        let index: Int
        let main: Int64
        let expires: Int64
    }

    let peak: Int64
    let total: Int64
    let startup: Int64
    let resident: Int64
    let clientBuffers: Int64
    let clusterLinks: Int64
    let databases: [DatabaseOverhead]
    let keys: Int64

    init(_ e: NodeEngine) {
        total = e.usedMemory()
        peak = max(e.peakMemory, total)
        startup = min(e.startupMemory, total)
        resident = max(e.residentMemory?() ?? total, total)
        clientBuffers = e.clients.values.reduce(0) { $0 + Int64($1.bufferedInput() + $1.bufferedOutput()) }
        clusterLinks = Int64(e.cluster?.links.count ?? 0) * 1024
        databases = e.databases.indices.compactMap { index in
            let database = e.databases[index]
            guard database.count > 0 else { return nil }
            return DatabaseOverhead(index: index, main: Int64(database.table.overheadBytes), expires: Int64(database.expires.overheadBytes))
        }
        keys = Int64(e.databases.reduce(0) { $0 + $1.count })
    }

    var overheadTotal: Int64 { startup + clientBuffers + clusterLinks + databases.reduce(0) { $0 + $1.main + $1.expires } }
    var dataset: Int64 { max(0, total - overheadTotal) }
    var bytesPerKey: Int64 { keys > 0 ? (total - startup) / keys : 0 }
    var datasetPercentage: Double { total > startup ? Double(dataset) * 100 / Double(total - startup) : 0 }
    var peakPercentage: Double { peak > 0 ? Double(total) * 100 / Double(peak) : 0 }
    var rssRatio: Double { total > 0 ? Double(resident) / Double(total) : 0 }

    /// getMemoryDoctorReport's findings, in its words.
    func doctorReport(clients: Int) -> String {
        // redis-server starts at about 1 MB and calls under 5 MB empty; the engine's
        // runtime starts larger, so what counts is what came after the start.
        if total - startup < 4 << 20 {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
        }
        var findings: [String] = []
        if Double(peak) / Double(total) > 1.5 {
            findings.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n")
        }
        if rssRatio > 1.4 && resident - total > 10 << 20 {
            findings.append(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"libc\".\n\n")
        }
        if clients > 0 && clientBuffers / Int64(clients) > 1024 * 200 {
            findings.append(" * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n")
        }
        guard !findings.isEmpty else {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
        }
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + findings.joined()
            + "I'm here to keep you safe, Sam. I want to help you.\n"
    }
}
