/// Command name -> entry, found from the request's bytes without building
/// a String for the common case.
final class CommandTable {
    private(set) var entries: [CommandEntry] = []
    private var byName: [String: CommandEntry] = [:]
    /// Top-level commands by a hash of their lowercase name, for lookups
    /// straight from the request's bytes.
    private var byHash: [UInt64: [CommandEntry]] = [:]

    /// Every command the engine implements, with 7.0.15's metadata.
    static func standard() -> CommandTable {
        let table = CommandTable()
        for (name, handler) in ConnectionCommands.all + ClientCommands.all + KeyCommands.all + StringCommands.all + BitmapCommands.all + HyperLogLogCommands.all + ServerCommands.all
            + HashCommands.all + ListCommands.all + BlockingCommands.all + SetCommands.all + ZSetCommands.all + GeoCommands.all + SortCommand.all + CommandCommands.all + MemoryCommands.all + LolwutCommand.all + LatencyCommands.all + DebugCommand.all + TransactionCommands.all + PubSubCommands.all + ClusterCommands.all + DumpCommands.all + MigrateCommand.all + FunctionCommands.all + ReplicationCommands.all + ScriptCommands.all + StreamCommands.all {
            table.register(name, handler)
        }
        table.registerHelpSubcommands()
        return table
    }

    func register(_ name: String, _ handler: @escaping CommandHandler) {
        let parts = name.split(separator: "|").map(String.init)
        if parts.count == 2 {
            let parent = byName[parts[0]] ?? register(container: parts[0])
            let entry = CommandEntry(name: name, metadata: CommandMetadata.byName[name], handler: handler)
            entry.parent = parent
            parent.subcommands[parts[1]] = entry
            add(entry)
        } else {
            let entry = CommandEntry(name: name, metadata: CommandMetadata.byName[name], handler: handler)
            byName[name] = entry
            byHash[Self.hash(Array(name.utf8)), default: []].append(entry)
            add(entry)
        }
    }

    /// FNV-1a over the lowercase bytes.
    static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(asciiLower(byte))) &* 0x100_0000_01B3 }
        return hash
    }

    /// The last command found: pipelines and benchmarks repeat one command,
    /// and comparing its name is cheaper than hashing.
    private var recent: CommandEntry?

    private func topLevel(_ arguments: Arguments) -> CommandEntry? {
        arguments.withBytes(0) { name in
            if let recent, Self.matches(recent, name) { return recent }
            guard let candidates = byHash[Self.hash(name)],
                  let found = candidates.first(where: { Self.matches($0, name) }) else { return nil }
            recent = found
            return found
        }
    }

    @inline(__always)
    private static func matches(_ entry: CommandEntry, _ name: UnsafeRawBufferPointer) -> Bool {
        entry.nameBytes.count == name.count && zip(entry.nameBytes, name).allSatisfy { $0 == asciiLower($1) }
    }

    @discardableResult
    private func register(container name: String) -> CommandEntry {
        let entry = CommandEntry(name: name, metadata: CommandMetadata.byName[name]) { _, _, _ in }
        byName[name] = entry
        byHash[Self.hash(Array(name.utf8)), default: []].append(entry)
        add(entry)
        return entry
    }

    private func add(_ entry: CommandEntry) {
        entry.statsIndex = entries.count
        entries.append(entry)
    }

    /// Top-level commands, for COMMAND and COMMAND COUNT.
    var topLevel: [CommandEntry] { entries.filter { $0.parent == nil } }

    func entry(named name: String) -> CommandEntry? {
        let parts = name.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let base = byName[parts[0]] else { return nil }
        return parts.count == 2 ? base.subcommands[parts[1]] : base
    }

    /// lookupCommand: the command, or for a container with arguments its subcommand.
    func lookup(_ arguments: Arguments) -> CommandEntry? {
        guard let base = topLevel(arguments) else { return nil }
        guard base.isContainer, arguments.count > 1 else { return base }
        return base.subcommands[arguments.lowercased(1)]
    }

    /// commandCheckExistence's message for a name that is not a command.
    func existenceError(_ arguments: Arguments) -> String {
        if let base = byName[arguments.lowercased(0)], base.isContainer {
            return "ERR unknown subcommand '\(truncated(arguments.string(1), 128))'. Try \(arguments.string(0).uppercased()) HELP."
        }
        var listed = ""
        var index = 1
        while index < arguments.count && listed.utf8.count < 128 {
            listed += "'\(truncated(arguments.string(index), 128 - listed.utf8.count))' "
            index += 1
        }
        return "ERR unknown command '\(truncated(arguments.string(0), 128))', with args beginning with: \(listed)"
    }

    private func truncated(_ text: String, _ limit: Int) -> String {
        // %.*s stops at a NUL byte and after `limit` bytes.
        let bytes = Array(text.utf8.prefix { $0 != 0 }.prefix(limit))
        return String(decoding: bytes, as: UTF8.self)
    }
}
