/// Every directive of redis-server 7.0.15 (config.c's standardConfig table,
/// with the TLS ones Debian's build has), by subject in the files beside
/// this one. Each is accepted, kept, printed by CONFIG GET and written by
/// CONFIG REWRITE; Docs/config.md lists those whose effect the engine lacks.
enum ConfigDirectives {
    static let intMax = ConfigDirective.intMax
    static let intMin = ConfigDirective.intMin
    static let uintMax = ConfigDirective.uintMax
    static let longMax = ConfigDirective.longMax
    static let unsignedLongLongMax = ConfigDirective.unsignedLongLongMax

    static let all: [ConfigDirective] = network + tls + process + security + memory + encodings + persistence
        + replication + cluster + observability

    /// By name and by alias, lowercase.
    static let byName: [String: ConfigDirective] = {
        var table: [String: ConfigDirective] = [:]
        for directive in all {
            precondition(table[directive.name] == nil, "\(directive.name) is listed twice")
            table[directive.name] = directive
            if let alias = directive.alias { table[alias] = directive }
        }
        return table
    }()

    /// Lines of old redis.conf files that redis-server 7.0.15 still reads
    /// and ignores (deprecated_configs in config.c: a name and one argument).
    static let deprecated: Set<String> = ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"]
}
