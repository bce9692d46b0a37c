/// The process: daemon, logging, signals, CPU affinity, what may be changed.
extension ConfigDirectives {
    static let process: [ConfigDirective] = [
        .yesNo("daemonize", .immutable, false),
        .choice("supervised", .immutable, ["upstart", "systemd", "auto", "no"], "no"),
        .text("pidfile", .immutable),
        .text("logfile", .immutable, emptyIsNull: false),
        .choice("loglevel", ["debug", "verbose", "notice", "warning"], "notice"),
        .yesNo("syslog-enabled", .immutable, false),
        .text("syslog-ident", .immutable, emptyIsNull: false, "redis"),
        .choice("syslog-facility", .immutable, ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"],
                "local0"),
        .number("databases", .immutable, 1, intMax, 16),
        .number("hz", 0, intMax, 10),
        .yesNo("dynamic-hz", true),
        .yesNo("always-show-logo", .immutable, false),
        .yesNo("set-proc-title", .immutable, true),
        .text("proc-title-template", emptyIsNull: false, "{title} {listen-addr} {server-mode}", check: ConfigChecks.procTitleTemplate),
        .yesNo("crash-log-enabled", true),
        .yesNo("crash-memcheck-enabled", true),
        .yesNo("use-exit-on-panic", .hidden, false),
        .number("watchdog-period", .hidden, 0, intMax, 0),
        .yesNo("disable-thp", .immutable, true),
        .choice("oom-score-adj", ["no", "yes", "relative", "absolute"], values: [0, 1, 1, 2], "no"),
        ConfigDirective("oom-score-adj-values", .oomScoreAdjValues, default: "0 200 800"),
        .text("server_cpulist", .immutable),
        .text("bio_cpulist", .immutable),
        .text("aof_rewrite_cpulist", .immutable),
        .text("bgsave_cpulist", .immutable),
        .yesNo("jemalloc-bg-thread", true),
        ConfigDirective("shutdown-on-sigint", .flags(shutdownFlags), default: "default", check: ConfigChecks.shutdownFlags),
        ConfigDirective("shutdown-on-sigterm", .flags(shutdownFlags), default: "default", check: ConfigChecks.shutdownFlags),
        .number("shutdown-timeout", 0, intMax, 10),
        .text("ignore-warnings", emptyIsNull: false),
        .choice("enable-protected-configs", .immutable, protectedAction, "no"),
        .choice("enable-debug-command", .immutable, protectedAction, "no"),
        .choice("enable-module-command", .immutable, protectedAction, "no"),
    ]

    static let protectedAction = ["no", "yes", "local"]
    static let shutdownFlags: [ConfigDirective.EnumName] = [
        .init(name: "default", value: 0), .init(name: "save", value: 1), .init(name: "nosave", value: 2),
        .init(name: "now", value: 4), .init(name: "force", value: 8),
    ]
}
