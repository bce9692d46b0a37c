
/// The node's configuration: every known directive's canonical value (as
/// CONFIG GET prints it). Loaded as redis-server loads it (ServerConfig+Loading),
/// changed by CONFIG SET (ServerConfig+Set), written by CONFIG REWRITE
/// (ServerConfig+Rewrite).
public struct ServerConfig: Sendable {
    private(set) var values: [String: String]
    /// The config file's absolute path, "" without one (proc-title-template's {config-file}).
    public var configFile = ""
    /// Whether a save line was read from the file yet: the first one replaces
    /// the default save points, the next ones add to them.
    var saveLineSeen = false
    /// Lines redis-server acts on that are no directive of the table
    /// (rename-command, user, loadmodule, module configs), kept for the
    /// start's warnings.
    public private(set) var unappliedLines: [String] = []

    public init() {
        values = Dictionary(uniqueKeysWithValues: ConfigDirectives.all.map { ($0.name, $0.defaultValue) })
    }

    public subscript(name: String) -> String {
        guard let directive = ConfigDirectives.byName[name.lowercased()] else { return "" }
        return values[directive.name] ?? ""
    }

    /// A numeric directive's value; a memory value past Int64 reads as Int64.max.
    public func integer(_ name: String) -> Int64 {
        let text = self[name]
        if let value = Int64(text) { return value }
        if UInt64(text) != nil { return Int64.max }
        return 0
    }

    public func bool(_ name: String) -> Bool { self[name] == "yes" }

    public var encodingLimits: EncodingLimits {
        var limits = EncodingLimits()
        limits.hashEntries = Int(integer("hash-max-listpack-entries"))
        limits.hashValue = Int(integer("hash-max-listpack-value"))
        limits.setIntsetEntries = Int(integer("set-max-intset-entries"))
        limits.zsetEntries = Int(integer("zset-max-listpack-entries"))
        limits.zsetValue = Int(integer("zset-max-listpack-value"))
        return limits
    }

    /// Sets a value the server finds out itself (dir: the absolute working
    /// directory after the change into it).
    public mutating func record(_ name: String, _ value: String) {
        guard let directive = ConfigDirectives.byName[name] else { return }
        values[directive.name] = value
    }

    mutating func store(_ directive: ConfigDirective, _ value: String) {
        values[directive.name] = value
        // updateHZ and the load's end: hz is a hint, kept within 1...500.
        if directive.name == "hz" { values["hz"] = String(min(500, max(1, Int64(value) ?? 10))) }
    }

    mutating func noteUnapplied(_ line: String) { unappliedLines.append(line) }

    /// CONFIG GET: the directives (names and aliases) a pattern names. A
    /// pattern without glob characters is a name, matched whatever its case
    /// and printed as given; hidden directives answer only to their name.
    public func matching(_ pattern: [UInt8]) -> [(String, String)] {
        let isGlob = pattern.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
        if !isGlob {
            let name = String(decoding: pattern, as: UTF8.self)
            guard let directive = ConfigDirectives.byName[name.lowercased()] else { return [] }
            return [(name, values[directive.name] ?? "")]
        }
        var result: [(String, String)] = []
        for directive in ConfigDirectives.all where !directive.flags.contains(.hidden) {
            for name in [directive.name] + (directive.alias.map { [$0] } ?? [])
            where GlobPattern.matches(pattern, Array(name.utf8), caseInsensitive: true) {
                result.append((name, values[directive.name] ?? ""))
            }
        }
        return result
    }

    /// sdscatrepr: always quoted, with C escapes for what is not printable.
    static func representation(_ word: String) -> String { representation(bytes: Array(word.utf8)) }
}
