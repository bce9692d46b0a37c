/// Listening, clients and the protocol's limits.
extension ConfigDirectives {
    static let network: [ConfigDirective] = [
        .number("port", 0, 65535, 6379),
        ConfigDirective("bind", .bind, default: "* -::*"),
        .text("bind-source-addr"),
        .yesNo("protected-mode", true),
        .number("tcp-backlog", .immutable, 0, intMax, 511),
        .number("tcp-keepalive", 0, intMax, 300),
        .number("timeout", 0, intMax, 0),
        .number("maxclients", 1, uintMax, unsigned: true, 10000),
        .text("unixsocket", .immutable),
        ConfigDirective("unixsocketperm", .octal(.init(0, 0o777, unsigned: true)), .immutable, default: "0"),
        .number("socket-mark-id", .immutable, 0, uintMax, unsigned: true, 0),
        .number("io-threads", .immutable, 1, 128, 1),
        .yesNo("io-threads-do-reads", .immutable, false),
        .bytes("proto-max-bulk-len", 1 << 20, longMax, 512 << 20),
        .bytes("client-query-buffer-limit", 1 << 20, longMax, unsigned: true, 1 << 30),
        ConfigDirective("client-output-buffer-limit", .outputBufferLimits, default: SpecialConfigValues.defaultBufferLimits),
        ConfigDirective("maxmemory-clients", .memoryOrPercent(.init(-100, longMax)), default: "0"),
        .number("tracking-table-max-keys", 0, longMax, unsigned: true, 1_000_000),
        .number("busy-reply-threshold", alias: "lua-time-limit", 0, longMax, 5000),
    ]

    /// Compiled in Debian's redis-server (USE_OPENSSL).
    static let tls: [ConfigDirective] = [
        .number("tls-port", 0, 65535, 0),
        .number("tls-session-cache-size", 0, intMax, 20480),
        .number("tls-session-cache-timeout", 0, intMax, 300),
        .yesNo("tls-cluster", false),
        .yesNo("tls-replication", false),
        .choice("tls-auth-clients", ["no", "yes", "optional"], "yes"),
        .yesNo("tls-prefer-server-ciphers", false),
        .yesNo("tls-session-caching", true),
        .text("tls-cert-file"),
        .text("tls-key-file"),
        .text("tls-key-file-pass"),
        .text("tls-client-cert-file"),
        .text("tls-client-key-file"),
        .text("tls-client-key-file-pass"),
        .text("tls-dh-params-file"),
        .text("tls-ca-cert-file"),
        .text("tls-ca-cert-dir"),
        .text("tls-protocols"),
        .text("tls-ciphers"),
        .text("tls-ciphersuites"),
    ]
}
