/// The memory limit, eviction, expiry, lazy freeing and defragmentation.
extension ConfigDirectives {
    static let memory: [ConfigDirective] = [
        .bytes("maxmemory", 0, unsignedLongLongMax, unsigned: true, 0),
        .choice("maxmemory-policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                     "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"], "noeviction"),
        .number("maxmemory-samples", 1, intMax, 5),
        .number("maxmemory-eviction-tenacity", 0, 100, 10),
        .number("lfu-log-factor", 0, intMax, 10),
        .number("lfu-decay-time", 0, intMax, 1),
        .number("active-expire-effort", 1, 10, 1),
        .yesNo("lazyfree-lazy-eviction", false),
        .yesNo("lazyfree-lazy-expire", false),
        .yesNo("lazyfree-lazy-server-del", false),
        .yesNo("lazyfree-lazy-user-del", false),
        .yesNo("lazyfree-lazy-user-flush", false),
        .yesNo("activerehashing", true),
        // Debian's redis-server is built without the jemalloc defrag hooks and
        // refuses activedefrag yes; so does the engine, which has no defragmenter.
        .yesNo("activedefrag", false, check: ConfigChecks.activeDefrag),
        .number("active-defrag-cycle-min", 1, 99, 1),
        .number("active-defrag-cycle-max", 1, 99, 25),
        .number("active-defrag-threshold-lower", 0, 1000, 10),
        .number("active-defrag-threshold-upper", 0, 1000, 100),
        .bytes("active-defrag-ignore-bytes", 1, longMax, unsigned: true, 100 << 20),
        .number("active-defrag-max-scan-fields", 1, longMax, 1000),
    ]

    /// When a hash, set, sorted set or list leaves its compact encoding.
    static let encodings: [ConfigDirective] = [
        .number("hash-max-listpack-entries", alias: "hash-max-ziplist-entries", 0, longMax, unsigned: true, 512),
        .bytes("hash-max-listpack-value", alias: "hash-max-ziplist-value", 0, longMax, unsigned: true, 64),
        .number("set-max-intset-entries", 0, longMax, unsigned: true, 512),
        .number("zset-max-listpack-entries", alias: "zset-max-ziplist-entries", 0, longMax, unsigned: true, 128),
        .bytes("zset-max-listpack-value", alias: "zset-max-ziplist-value", 0, longMax, unsigned: true, 64),
        .number("list-max-listpack-size", alias: "list-max-ziplist-size", intMin, intMax, -2),
        .number("list-compress-depth", 0, intMax, 0),
        .bytes("hll-sparse-max-bytes", 0, longMax, unsigned: true, 3000),
        .bytes("stream-node-max-bytes", 0, longMax, unsigned: true, 4096),
        .number("stream-node-max-entries", 0, longMax, 100),
    ]
}
