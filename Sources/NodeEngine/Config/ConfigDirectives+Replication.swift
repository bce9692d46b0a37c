/// A replica's master, what it serves meanwhile, and the master's backlog.
extension ConfigDirectives {
    static let replication: [ConfigDirective] = [
        ConfigDirective("replicaof", alias: "slaveof", .replicaOf, .immutable, default: ""),
        .yesNo("replica-read-only", alias: "slave-read-only", true),
        .yesNo("replica-serve-stale-data", alias: "slave-serve-stale-data", true),
        .yesNo("replica-lazy-flush", alias: "slave-lazy-flush", false),
        .yesNo("replica-ignore-maxmemory", alias: "slave-ignore-maxmemory", true),
        .yesNo("replica-announced", true),
        .yesNo("replica-ignore-disk-write-errors", false),
        .number("replica-priority", alias: "slave-priority", 0, intMax, 100),
        .text("replica-announce-ip", alias: "slave-announce-ip"),
        .number("replica-announce-port", alias: "slave-announce-port", 0, 65535, 0),
        .bytes("repl-backlog-size", 1, longMax, 1 << 20),
        .number("repl-backlog-ttl", 0, longMax, 3600),
        .number("repl-timeout", 1, intMax, 60),
        .number("repl-ping-replica-period", alias: "repl-ping-slave-period", 1, intMax, 10),
        .yesNo("repl-disable-tcp-nodelay", false),
        .yesNo("repl-diskless-sync", true),
        .number("repl-diskless-sync-delay", 0, intMax, 5),
        .number("repl-diskless-sync-max-replicas", 0, intMax, 0),
        .choice("repl-diskless-load", ["disabled", "on-empty-db", "swapdb"], "disabled"),
        .number("min-replicas-to-write", alias: "min-slaves-to-write", 0, intMax, 0),
        .number("min-replicas-max-lag", alias: "min-slaves-max-lag", 0, intMax, 10),
        .choice("propagation-error-behavior", ["ignore", "panic", "panic-on-replicas"], "ignore"),
    ]
}
