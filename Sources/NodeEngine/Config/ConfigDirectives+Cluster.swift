/// Cluster mode: the bus, what a node announces, failover and coverage.
extension ConfigDirectives {
    static let cluster: [ConfigDirective] = [
        .yesNo("cluster-enabled", .immutable, false),
        .text("cluster-config-file", .immutable, emptyIsNull: false, "nodes.conf"),
        .number("cluster-node-timeout", 0, longMax, 15000),
        .number("cluster-port", .immutable, 0, 65535, 0),
        .text("cluster-announce-ip"),
        .number("cluster-announce-port", 0, 65535, 0),
        .number("cluster-announce-bus-port", 0, 65535, 0),
        .number("cluster-announce-tls-port", 0, 65535, 0),
        .text("cluster-announce-hostname", check: ConfigChecks.announcedHostname),
        .choice("cluster-preferred-endpoint-type", ["ip", "hostname", "unknown-endpoint"], "ip"),
        .yesNo("cluster-require-full-coverage", true),
        .yesNo("cluster-allow-reads-when-down", false),
        .yesNo("cluster-allow-pubsubshard-when-down", true),
        .number("cluster-replica-validity-factor", alias: "cluster-slave-validity-factor", 0, intMax, 10),
        .yesNo("cluster-replica-no-failover", alias: "cluster-slave-no-failover", false),
        .number("cluster-migration-barrier", 0, intMax, 1),
        .yesNo("cluster-allow-replica-migration", true),
        .bytes("cluster-link-sendbuf-limit", 0, unsignedLongLongMax, unsigned: true, 0),
    ]

    /// The slow log, latency monitoring and keyspace notifications.
    static let observability: [ConfigDirective] = [
        .number("slowlog-log-slower-than", -1, longMax, 10000),
        .number("slowlog-max-len", 0, longMax, 128),
        .number("latency-monitor-threshold", 0, longMax, 0),
        .yesNo("latency-tracking", true),
        ConfigDirective("latency-tracking-info-percentiles", .percentiles, default: "50 99 99.9"),
        ConfigDirective("notify-keyspace-events", .keyspaceEvents, default: ""),
    ]
}
