/// RDB snapshots and the append-only file.
extension ConfigDirectives {
    static let persistence: [ConfigDirective] = [
        ConfigDirective("dir", .directory, .protected, default: ""),
        .text("dbfilename", .protected, emptyIsNull: false, "dump.rdb", check: ConfigChecks.dbFilename),
        ConfigDirective("save", .save, default: "3600 1 300 100 60 10000"),
        .yesNo("rdbcompression", true),
        .yesNo("rdbchecksum", .immutable, true),
        .yesNo("rdb-del-sync-files", false),
        .yesNo("rdb-save-incremental-fsync", true),
        .number("rdb-key-save-delay", .hidden, intMin, intMax, 0),
        .number("key-load-delay", .hidden, intMin, intMax, 0),
        .number("loading-process-events-interval-bytes", .hidden, 1024, intMax, 2 << 20),
        .yesNo("stop-writes-on-bgsave-error", true),
        .yesNo("appendonly", false),
        .text("appendfilename", .immutable, emptyIsNull: false, "appendonly.aof", check: ConfigChecks.aofFilename),
        .text("appenddirname", .immutable, emptyIsNull: false, "appendonlydir", check: ConfigChecks.aofDirname),
        .choice("appendfsync", ["everysec", "always", "no"], "everysec"),
        .yesNo("no-appendfsync-on-rewrite", false),
        .yesNo("aof-use-rdb-preamble", true),
        .yesNo("aof-load-truncated", true),
        .yesNo("aof-timestamp-enabled", false),
        .yesNo("aof-rewrite-incremental-fsync", true),
        .yesNo("aof-disable-auto-gc", false),
        .number("auto-aof-rewrite-percentage", 0, intMax, 100),
        .bytes("auto-aof-rewrite-min-size", 0, longMax, 64 << 20),
    ]
}
