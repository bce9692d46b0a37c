/// A command the engine runs: redis-server's metadata for it and its handler.
typealias CommandHandler = @Sendable (NodeEngine, ClientSession, Arguments) -> Void

struct CommandFlags: OptionSet {
    let rawValue: UInt32
    static let write = CommandFlags(rawValue: 1 << 0)
    static let readonly = CommandFlags(rawValue: 1 << 1)
    static let denyOOM = CommandFlags(rawValue: 1 << 2)
    static let admin = CommandFlags(rawValue: 1 << 3)
    static let noAuth = CommandFlags(rawValue: 1 << 4)
    static let noMulti = CommandFlags(rawValue: 1 << 5)
    static let fast = CommandFlags(rawValue: 1 << 6)
    static let pubsub = CommandFlags(rawValue: 1 << 7)
    static let loading = CommandFlags(rawValue: 1 << 8)
    static let stale = CommandFlags(rawValue: 1 << 9)
    static let blocking = CommandFlags(rawValue: 1 << 10)
    static let movableKeys = CommandFlags(rawValue: 1 << 11)
    static let skipMonitor = CommandFlags(rawValue: 1 << 12)
    static let skipSlowlog = CommandFlags(rawValue: 1 << 13)
    static let protected = CommandFlags(rawValue: 1 << 14)
    static let asking = CommandFlags(rawValue: 1 << 15)
    /// Refused inside scripts (redis.call).
    static let noScript = CommandFlags(rawValue: 1 << 16)
    /// Runs while a script is busy (SCRIPT KILL, SHUTDOWN, AUTH, ...).
    static let allowBusy = CommandFlags(rawValue: 1 << 17)
    /// May write through what it runs (EVAL, FCALL): held by CLIENT PAUSE WRITE, refused in read-only scripts.
    static let mayReplicate = CommandFlags(rawValue: 1 << 18)

    init(rawValue: UInt32) { self.rawValue = rawValue }

    init(_ names: Set<String>) {
        var flags: CommandFlags = []
        let table: [String: CommandFlags] = [
            "write": .write, "readonly": .readonly, "denyoom": .denyOOM, "admin": .admin, "no_auth": .noAuth,
            "no_multi": .noMulti, "fast": .fast, "pubsub": .pubsub, "loading": .loading, "stale": .stale,
            "blocking": .blocking, "movablekeys": .movableKeys, "skip_monitor": .skipMonitor, "skip_slowlog": .skipSlowlog,
            "asking": .asking, "noscript": .noScript, "allow_busy": .allowBusy,
        ]
        for name in names { if let flag = table[name] { flags.insert(flag) } }
        self = flags
    }
}

final class CommandEntry {
    let name: String
    let nameBytes: [UInt8]
    let arity: Int
    let flags: CommandFlags
    let firstKey: Int
    let lastKey: Int
    let step: Int
    let handler: CommandHandler
    let metadata: CommandMetadata.Info?
    /// For container commands (CONFIG, CLIENT, ...): by lowercase subcommand name.
    var subcommands: [String: CommandEntry] = [:]
    weak var parent: CommandEntry?
    /// Index into the engine's per-command statistics.
    var statsIndex = 0
    /// EVAL and EVAL_RO run a body, EVALSHA and EVALSHA_RO a cached script,
    /// FCALL and FCALL_RO a function: their flags come from the script.
    let script: ScriptSource?

    enum ScriptSource { case body, sha, function }

    init(name: String, metadata: CommandMetadata.Info?, arity: Int? = nil, flags: CommandFlags? = nil, handler: @escaping CommandHandler) {
        self.name = name
        nameBytes = Array((name.split(separator: "|").last.map(String.init) ?? name).utf8)
        self.metadata = metadata
        self.arity = arity ?? metadata?.arity ?? -1
        var resolved = flags ?? metadata.map { CommandFlags($0.flags) } ?? []
        if name == "debug" { resolved.insert(.protected) }
        // CMD_MAY_REPLICATE is not in COMMAND's output (the metadata): set where 7.0.15 sets it.
        if flags == nil && Self.mayReplicateCommands.contains(name) { resolved.insert(.mayReplicate) }
        self.flags = resolved
        firstKey = metadata?.firstKey ?? 0
        lastKey = metadata?.lastKey ?? 0
        step = metadata?.step ?? 0
        self.handler = handler
        script = name.hasPrefix("evalsha") ? .sha : name.hasPrefix("eval") ? .body : name.hasPrefix("fcall") ? .function : nil
    }

    var isContainer: Bool { !subcommands.isEmpty }

    static let mayReplicateCommands: Set<String> = ["eval", "evalsha", "fcall", "publish", "spublish", "pfcount"]
}
