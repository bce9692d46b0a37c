/// Directives the engine accepts, keeps and prints but whose effect it does
/// not have yet (Docs/config.md lists them all). Those whose setting a user
/// would notice are warned about once at start, one line each.
public enum ConfigGaps {
    struct Gap {
        let name: String
        /// Whether this config's value asks for what the engine does not do.
        let applies: @Sendable (ServerConfig) -> Bool
        let warning: @Sendable (ServerConfig) -> String
    }

    /// The warning lines for a config, in table order.
    public static func warnings(_ config: ServerConfig) -> [String] {
        gaps.filter { $0.applies(config) }.map { $0.warning(config) }
            + config.unappliedLines.map { "'\($0)' is read but not applied: this engine has no \(missingFeature($0)) yet." }
    }

    /// The warnings a CONFIG SET of these directives calls for.
    static func warnings(after changes: [(name: String, value: String)], _ config: ServerConfig) -> [String] {
        let names = Set(changes.map(\.name))
        return gaps.filter { names.contains($0.name) && $0.applies(config) }.map { $0.warning(config) }
    }

    private static func missingFeature(_ line: String) -> String {
        switch line.split(separator: " ").first?.lowercased() {
        case "rename-command": "command renaming"
        case "user": "ACL users"
        default: "modules"
        }
    }

    private static func differs(_ name: String) -> @Sendable (ServerConfig) -> Bool {
        { config in config[name] != ConfigDirectives.byName[name]?.defaultValue }
    }

    static let gaps: [Gap] = [
        Gap(name: "io-threads", applies: { $0.integer("io-threads") > 1 },
            warning: { "io-threads is \($0["io-threads"]), but this engine serves every client on one thread." }),
        Gap(name: "unixsocket", applies: differs("unixsocket"),
            warning: { "unixsocket is \($0["unixsocket"]), but this engine listens on TCP only: no unix socket is created." }),
        Gap(name: "tls-port", applies: { $0.integer("tls-port") != 0 || $0.bool("tls-replication") || $0.bool("tls-cluster") },
            warning: { "tls-port is \($0["tls-port"]) (tls-replication \($0["tls-replication"]), tls-cluster \($0["tls-cluster"])), but this engine has no TLS: nothing listens on the TLS port." }),
        Gap(name: "timeout", applies: differs("timeout"),
            warning: { "timeout is \($0["timeout"]), but this engine does not close idle clients yet." }),
        Gap(name: "maxclients", applies: differs("maxclients"),
            warning: { "maxclients is \($0["maxclients"]), but this engine does not limit the number of clients yet." }),
        Gap(name: "maxmemory-clients", applies: differs("maxmemory-clients"),
            warning: { "maxmemory-clients is \($0["maxmemory-clients"]), but this engine does not evict clients yet." }),
        Gap(name: "syslog-enabled", applies: { $0.bool("syslog-enabled") },
            warning: { _ in "syslog-enabled is yes, but this engine logs to the logfile (or standard output) only." }),
        Gap(name: "aclfile", applies: differs("aclfile"),
            warning: { "aclfile is \($0["aclfile"]), but this engine has no ACL yet: the file is not read (requirepass still works)." }),
        Gap(name: "oom-score-adj", applies: differs("oom-score-adj"),
            warning: { "oom-score-adj is \($0["oom-score-adj"]), but this engine does not set its oom_score_adj." }),
        Gap(name: "set-proc-title", applies: { $0.bool("set-proc-title") && $0["proc-title-template"] != ConfigDirectives.byName["proc-title-template"]?.defaultValue },
            warning: { _ in "proc-title-template is set, but this engine does not change its process title." }),
    ]
}
