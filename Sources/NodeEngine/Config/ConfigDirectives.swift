/// The directives `rcluster server` knows, with redis-server 7.0.15's
/// names, aliases, bounds and defaults. Cluster, replica and persistence
/// directives are accepted and kept for the engine steps that use them.
enum ConfigDirectives {
    static let intMax = Int64(Int32.max)
    static let longMax = Int64.max

    static let all: [ConfigDirective] = [
        // Network and process.
        .init("port", .integer(min: 0, max: 65535), default: "6379"),
        .init("bind", .words, default: "* -::*"),
        .init("protected-mode", .bool, default: "yes"),
        .init("tcp-backlog", .integer(min: 0, max: intMax), mutable: false, default: "511"),
        .init("tcp-keepalive", .integer(min: 0, max: intMax), default: "300"),
        .init("timeout", .integer(min: 0, max: intMax), default: "0"),
        .init("maxclients", .integer(min: 1, max: Int64(UInt32.max)), default: "10000"),
        .init("daemonize", .bool, mutable: false, default: "no"),
        .init("supervised", .enumeration(["upstart", "systemd", "auto", "no"]), mutable: false, default: "no"),
        .init("pidfile", .string, mutable: false, default: ""),
        .init("logfile", .string, mutable: false, default: ""),
        .init("loglevel", .enumeration(["debug", "verbose", "notice", "warning"]), default: "notice"),
        .init("databases", .integer(min: 1, max: intMax), mutable: false, default: "16"),
        .init("hz", .integer(min: 0, max: intMax), default: "10"),
        .init("dynamic-hz", .bool, default: "yes"),
        .init("unixsocket", .string, mutable: false, default: ""),
        .init("bind-source-addr", .string, default: ""),
        .init("io-threads", .integer(min: 1, max: 128), mutable: false, default: "1"),
        .init("proto-max-bulk-len", .memory(min: 1 << 20, max: longMax), default: "536870912"),
        .init("client-output-buffer-limit", .words, default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
        .init("client-query-buffer-limit", .memory(min: 1 << 20, max: longMax), default: "1073741824"),
        // Security.
        .init("requirepass", .string, default: ""),
        .init("masterauth", .string, default: ""),
        .init("masteruser", .string, default: ""),
        // Memory.
        .init("maxmemory", .memory(min: 0, max: longMax), default: "0"),
        .init("maxmemory-policy", .enumeration(["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                                "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]), default: "noeviction"),
        .init("maxmemory-samples", .integer(min: 1, max: 64), default: "5"),
        .init("maxmemory-eviction-tenacity", .integer(min: 0, max: 100), default: "10"),
        .init("lfu-log-factor", .integer(min: 0, max: intMax), default: "10"),
        .init("lfu-decay-time", .integer(min: 0, max: intMax), default: "1"),
        .init("active-expire-effort", .integer(min: 1, max: 10), default: "1"),
        .init("lazyfree-lazy-eviction", .bool, default: "no"),
        .init("lazyfree-lazy-expire", .bool, default: "no"),
        .init("lazyfree-lazy-server-del", .bool, default: "no"),
        .init("lazyfree-lazy-user-del", .bool, default: "no"),
        .init("lazyfree-lazy-user-flush", .bool, default: "no"),
        .init("activerehashing", .bool, default: "yes"),
        // Encodings.
        .init("hash-max-listpack-entries", alias: "hash-max-ziplist-entries", .integer(min: 0, max: longMax), default: "512"),
        .init("hash-max-listpack-value", alias: "hash-max-ziplist-value", .memory(min: 0, max: longMax), default: "64"),
        .init("set-max-intset-entries", .integer(min: 0, max: longMax), default: "512"),
        .init("zset-max-listpack-entries", alias: "zset-max-ziplist-entries", .integer(min: 0, max: longMax), default: "128"),
        .init("zset-max-listpack-value", alias: "zset-max-ziplist-value", .memory(min: 0, max: longMax), default: "64"),
        .init("list-max-listpack-size", alias: "list-max-ziplist-size", .integer(min: Int64(Int32.min), max: intMax), default: "-2"),
        .init("list-compress-depth", .integer(min: 0, max: intMax), default: "0"),
        .init("hll-sparse-max-bytes", .memory(min: 0, max: longMax), default: "3000"),
        // Persistence (used from Engine 3 on).
        .init("dir", .string, default: ""),
        .init("dbfilename", .string, default: "dump.rdb"),
        .init("save", .save, default: "3600 1 300 100 60 10000"),
        .init("rdbcompression", .bool, default: "yes"),
        .init("rdbchecksum", .bool, mutable: false, default: "yes"),
        .init("stop-writes-on-bgsave-error", .bool, default: "yes"),
        .init("appendonly", .bool, default: "no"),
        .init("appendfilename", .string, mutable: false, default: "appendonly.aof"),
        .init("appenddirname", .string, mutable: false, default: "appendonlydir"),
        .init("appendfsync", .enumeration(["everysec", "always", "no"]), default: "everysec"),
        .init("aof-use-rdb-preamble", .bool, default: "yes"),
        .init("auto-aof-rewrite-percentage", .integer(min: 0, max: intMax), default: "100"),
        .init("auto-aof-rewrite-min-size", .memory(min: 0, max: longMax), default: "67108864"),
        // Replication (Engine 3).
        .init("replicaof", alias: "slaveof", .hostPort, default: ""),
        .init("replica-read-only", alias: "slave-read-only", .bool, default: "yes"),
        .init("replica-serve-stale-data", alias: "slave-serve-stale-data", .bool, default: "yes"),
        .init("replica-priority", alias: "slave-priority", .integer(min: 0, max: intMax), default: "100"),
        .init("replica-announce-ip", alias: "slave-announce-ip", .string, default: ""),
        .init("replica-announce-port", alias: "slave-announce-port", .integer(min: 0, max: 65535), default: "0"),
        .init("repl-backlog-size", .memory(min: 1, max: longMax), default: "1048576"),
        .init("repl-backlog-ttl", .integer(min: 0, max: intMax), default: "3600"),
        .init("repl-timeout", .integer(min: 1, max: intMax), default: "60"),
        .init("repl-ping-replica-period", alias: "repl-ping-slave-period", .integer(min: 1, max: intMax), default: "10"),
        .init("repl-diskless-sync", .bool, default: "yes"),
        .init("repl-diskless-sync-delay", .integer(min: 0, max: intMax), default: "5"),
        .init("repl-diskless-load", .enumeration(["disabled", "on-empty-db", "swapdb"]), default: "disabled"),
        .init("min-replicas-to-write", alias: "min-slaves-to-write", .integer(min: 0, max: intMax), default: "0"),
        .init("min-replicas-max-lag", alias: "min-slaves-max-lag", .integer(min: 0, max: intMax), default: "10"),
        // Cluster (Engine 2 and 4).
        .init("cluster-enabled", .bool, mutable: false, default: "no"),
        .init("cluster-config-file", .string, mutable: false, default: "nodes.conf"),
        .init("cluster-node-timeout", .integer(min: 0, max: longMax), default: "15000"),
        .init("cluster-port", .integer(min: 0, max: 65535), mutable: false, default: "0"),
        .init("cluster-announce-ip", .string, default: ""),
        .init("cluster-announce-port", .integer(min: 0, max: 65535), default: "0"),
        .init("cluster-announce-bus-port", .integer(min: 0, max: 65535), default: "0"),
        .init("cluster-announce-tls-port", .integer(min: 0, max: 65535), default: "0"),
        .init("cluster-announce-hostname", .string, default: ""),
        .init("cluster-preferred-endpoint-type", .enumeration(["ip", "hostname", "unknown-endpoint"]), default: "ip"),
        .init("cluster-require-full-coverage", .bool, default: "yes"),
        .init("cluster-allow-reads-when-down", .bool, default: "no"),
        .init("cluster-allow-pubsubshard-when-down", .bool, default: "yes"),
        .init("cluster-replica-validity-factor", alias: "cluster-slave-validity-factor", .integer(min: 0, max: intMax), default: "10"),
        .init("cluster-replica-no-failover", alias: "cluster-slave-no-failover", .bool, default: "no"),
        .init("cluster-migration-barrier", .integer(min: 0, max: intMax), default: "1"),
        .init("cluster-allow-replica-migration", .bool, default: "yes"),
        .init("cluster-link-sendbuf-limit", .memory(min: 0, max: longMax), default: "0"),
        // Observability.
        .init("slowlog-log-slower-than", .integer(min: -1, max: longMax), default: "10000"),
        .init("slowlog-max-len", .integer(min: 0, max: longMax), default: "128"),
        .init("latency-monitor-threshold", .integer(min: 0, max: longMax), default: "0"),
        .init("latency-tracking", .bool, default: "yes"),
        .init("notify-keyspace-events", .string, default: ""),
        .init("enable-debug-command", .enumeration(["no", "yes", "local"]), mutable: false, default: "no"),
        .init("always-show-logo", .bool, mutable: false, default: "no"),
        .init("set-proc-title", .bool, mutable: false, default: "yes"),
    ]

    static let byName: [String: ConfigDirective] = {
        var table: [String: ConfigDirective] = [:]
        for directive in all {
            table[directive.name] = directive
            if let alias = directive.alias { table[alias] = directive }
        }
        return table
    }()
}
