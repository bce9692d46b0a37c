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

    init(rawValue: UInt32) { self.rawValue = rawValue }

    init(_ names: Set<String>) {
        var flags: CommandFlags = []
        let table: [String: CommandFlags] = [
            "write": .write, "readonly": .readonly, "denyoom": .denyOOM, "admin": .admin, "no_auth": .noAuth,
            "no_multi": .noMulti, "fast": .fast, "pubsub": .pubsub, "loading": .loading, "stale": .stale,
            "blocking": .blocking, "movablekeys": .movableKeys, "skip_monitor": .skipMonitor, "skip_slowlog": .skipSlowlog,
            "asking": .asking,
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

    init(name: String, metadata: CommandMetadata.Info?, arity: Int? = nil, flags: CommandFlags? = nil, handler: @escaping CommandHandler) {
        self.name = name
        nameBytes = Array((name.split(separator: "|").last.map(String.init) ?? name).utf8)
        self.metadata = metadata
        self.arity = arity ?? metadata?.arity ?? -1
        var resolved = flags ?? metadata.map { CommandFlags($0.flags) } ?? []
        if name == "debug" { resolved.insert(.protected) }
        self.flags = resolved
        firstKey = metadata?.firstKey ?? 0
        lastKey = metadata?.lastKey ?? 0
        step = metadata?.step ?? 0
        self.handler = handler
    }

    var isContainer: Bool { !subcommands.isEmpty }
}
