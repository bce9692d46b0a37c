/// COMMAND and its subcommands: the captured 7.0.15 metadata replayed,
/// filtered, and read for the keys of a request.
enum CommandCommands {
    static let all: [(String, CommandHandler)] = [
        ("command", command), ("command|count", commandCount), ("command|info", commandInfo), ("command|docs", commandDocs),
        ("command|list", commandList), ("command|getkeys", commandGetKeys), ("command|getkeysandflags", commandGetKeysAndFlags),
    ]

    static func command(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count == 1 else { return e.fail(c, e.commands.existenceError(a)) }
        let entries = e.commands.topLevel.filter { $0.metadata != nil }
        c.reply.array(entries.count)
        for entry in entries { writeInfo(entry, c) }
    }

    private static func writeInfo(_ entry: CommandEntry, _ c: ClientSession) {
        guard let metadata = entry.metadata else { return c.reply.null() }
        c.reply.raw(c.reply.protocolVersion == 3 ? metadata.info3 : metadata.info2)
    }

    static func commandCount(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.integer(e.commands.topLevel.filter { $0.metadata != nil }.count)
    }

    static func commandInfo(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count == 2 { return command(e, c, Arguments(["command"])) }
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            if let entry = e.commands.entry(named: a.lowercased(index)) { writeInfo(entry, c) } else { c.reply.null() }
        }
    }

    static func commandDocs(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let entries: [CommandEntry] = a.count == 2
            ? e.commands.topLevel.filter { $0.metadata != nil }
            : (2..<a.count).compactMap { e.commands.entry(named: a.lowercased($0)) }.filter { $0.metadata != nil }
        c.reply.map(entries.count)
        for entry in entries {
            c.reply.raw(c.reply.protocolVersion == 3 ? entry.metadata!.docs3 : entry.metadata!.docs2)
        }
    }

    /// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern].
    static func commandList(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var entries = e.commands.entries.filter { $0.metadata != nil }
        if a.count == 5 && a.isWord(2, "filterby") {
            let value = a.lowercased(4)
            if a.isWord(3, "pattern") {
                entries = entries.filter { GlobPattern.matches(Array(value.utf8), Array($0.name.utf8), caseInsensitive: true) }
            } else if a.isWord(3, "aclcat") {
                entries = entries.filter { $0.metadata!.categories.contains(value) }
            } else if a.isWord(3, "module") {
                entries = []  // No modules are loaded.
            } else {
                return e.fail(c, "ERR syntax error")
            }
        } else if a.count != 2 {
            return e.fail(c, "ERR syntax error")
        }
        c.reply.array(entries.count)
        for entry in entries { c.reply.bulk(entry.name) }
    }

    static func commandGetKeys(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { getKeys(e, c, a, withFlags: false) }
    static func commandGetKeysAndFlags(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { getKeys(e, c, a, withFlags: true) }

    /// getKeysSubcommandImpl: the checks in redis-server's order, then the
    /// keys as getKeysFromCommandWithSpecs finds them.
    static func getKeys(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, withFlags: Bool) {
        let inner = Arguments(bytes: a.tail(from: 2))
        guard let entry = e.commands.lookup(inner) else { return e.fail(c, "ERR Invalid command specified") }
        guard KeyFlags.hasKeys(entry) else { return e.fail(c, "ERR The command has no key arguments") }
        if (entry.arity > 0 && entry.arity != inner.count) || inner.count < -entry.arity {
            return e.fail(c, "ERR Invalid number of arguments specified for command")
        }
        let keys = KeyFlags.keys(of: entry, inner)
        guard !keys.isEmpty else {
            if entry.metadata?.flags.contains("no_mandatory_keys") == true { return c.reply.emptyArray() }
            return e.fail(c, "ERR Invalid arguments specified for command")
        }
        c.reply.array(keys.count)
        for key in keys {
            guard withFlags else {
                c.reply.bulk(inner[key.position])
                continue
            }
            c.reply.array(2)
            c.reply.bulk(inner[key.position])
            c.reply.set(key.flags.count)
            for flag in key.flags { c.reply.simple(flag) }
        }
    }
}
