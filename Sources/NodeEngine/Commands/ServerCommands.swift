#if canImport(Glibc)
import Glibc
#endif

/// CONFIG, COMMAND, INFO, TIME, SHUTDOWN, DEBUG and friends.
enum ServerCommands {
    static let all: [(String, CommandHandler)] = [
        ("config|get", configGet), ("config|set", configSet), ("config|resetstat", configResetStat),
        ("config|rewrite", configRewrite), ("config|help", configHelp),
        ("command", command), ("command|count", commandCount), ("command|info", commandInfo), ("command|docs", commandDocs),
        ("command|list", commandList), ("command|getkeys", commandGetKeys),
        ("info", InfoCommand.info), ("time", time), ("lastsave", lastsave), ("save", save), ("bgsave", bgsave), ("shutdown", shutdown), ("debug", debug),
        ("memory|usage", memoryUsage),
        ("slowlog|get", slowlogGet), ("slowlog|len", slowlogLen), ("slowlog|reset", slowlogReset),
        ("monitor", monitor),
    ]

    static func configGet(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var pairs: [(String, String)] = []
        // One entry per name whatever its case, as redis-server's reply dict.
        var seen: Set<String> = []
        for index in 2..<a.count {
            for pair in e.config.matching(a[index]) where seen.insert(pair.0.lowercased()).inserted { pairs.append(pair) }
        }
        if pairs.contains(where: { $0.0.lowercased() == "dir" }) {
            pairs = pairs.map { $0.0.lowercased() == "dir" ? ($0.0, e.workingDirectory) : $0 }
        }
        c.reply.map(pairs.count)
        for (name, value) in pairs {
            c.reply.bulk(name)
            c.reply.bulk(value)
        }
    }

    static func configSet(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count % 2 == 0 else { return e.fail(c, "ERR syntax error") }
        let pairs = stride(from: 2, to: a.count, by: 2).map { (a.string($0), a.string($0 + 1)) }
        switch e.config.validatedChanges(pairs, clientIsLocal: c.isLoopback) {
        case .failure(let error):
            e.fail(c, error.message)
        case .success(let changes):
            if let apply = e.configApplier, let refusal = apply(changes) {
                return e.fail(c, "ERR CONFIG SET failed (possibly related to argument '\(refusal.name)') - \(refusal.reason)")
            }
            e.applyConfig(changes)
            c.reply.ok()
        }
    }

    static func configResetStat(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.stats.reset()
        c.reply.ok()
    }

    static func configRewrite(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard !e.configFile.isEmpty, let rewrite = e.configRewriter else {
            return e.fail(c, "ERR The server is running without a config file")
        }
        if let error = rewrite(e.config) { return e.fail(c, "ERR Rewriting config file: \(error)") }
        c.reply.ok()
    }

    static func configHelp(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.replyHelp(c, a, [
            "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
            "RESETSTAT", "    Reset statistics reported by the INFO command.",
            "REWRITE", "    Rewrite the configuration file.",
        ])
    }

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

    static func commandList(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var names = e.commands.entries.filter { $0.metadata != nil }.map(\.name)
        if a.count == 5 && a.isWord(2, "filterby") {
            let value = a.lowercased(4)
            if a.isWord(3, "pattern") {
                names = names.filter { GlobPattern.matches(Array(value.utf8), Array($0.utf8), caseInsensitive: true) }
            } else if a.isWord(3, "aclcat") {
                names = []
            } else if a.isWord(3, "module") {
                names = []
            } else {
                return e.fail(c, "ERR syntax error")
            }
        } else if a.count != 2 {
            return e.fail(c, "ERR syntax error")
        }
        c.reply.array(names.count)
        for name in names { c.reply.bulk(name) }
    }

    static func commandGetKeys(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let inner = Arguments(bytes: a.tail(from: 2))
        guard let entry = e.commands.lookup(inner) else { return e.fail(c, "ERR Invalid command specified") }
        if (entry.arity > 0 && entry.arity != inner.count) || inner.count < -entry.arity {
            return e.fail(c, "ERR Invalid number of arguments specified for command")
        }
        // redis-server answers from key specs here, which list keys in argument order.
        let keys = KeyPositions.keys(of: entry, inner).sorted()
        guard !keys.isEmpty else { return e.fail(c, "ERR The command has no key arguments") }
        c.reply.array(keys.count)
        for index in keys { c.reply.bulk(inner[index]) }
    }

    static func time(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let now = e.clock.microseconds()
        c.reply.array(2)
        c.reply.bulk(String(now / 1_000_000))
        c.reply.bulk(String(now % 1_000_000))
    }

    static func lastsave(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.integer(e.lastSave / 1000)
    }

    static func shutdown(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        for index in 1..<max(1, a.count) {
            let ok = a.isWord(index, "nosave") || a.isWord(index, "save") || a.isWord(index, "now")
                || a.isWord(index, "force") || a.isWord(index, "abort")
            if !ok { return e.fail(c, "ERR syntax error") }
        }
        if (1..<max(1, a.count)).contains(where: { a.isWord($0, "abort") }) {
            return e.fail(c, "ERR No shutdown in progress.")
        }
        let nosave = (1..<max(1, a.count)).contains { a.isWord($0, "nosave") }
        let save = (1..<max(1, a.count)).contains { a.isWord($0, "save") }
        guard e.saveBeforeShutdown(save: nosave ? false : save ? true : nil) else {
            return e.fail(c, "ERR Errors trying to SHUTDOWN. Check logs.")
        }
        e.shutdownRequested = true
        c.closeAfterReply = true
    }

    static func debug(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let sub = a.lowercased(1)
        switch sub {
        case "sleep":
            guard a.count == 3, let seconds = Double(a.string(2)) else { return e.fail(c, "ERR syntax error") }
            usleep(UInt32(max(0, seconds) * 1_000_000))
            c.reply.ok()
        case "populate":
            guard a.count >= 3, a.count <= 5 else { return e.fail(c, "ERR Unknown subcommand or wrong number of arguments for 'populate'. Try DEBUG HELP.") }
            guard let count = a.integer(2), count >= 0 else { return e.fail(c, "ERR value is out of range, must be positive") }
            let prefix = a.count >= 4 ? a.string(3) : "key"
            var size = 0
            if a.count == 5 {
                guard let requested = a.integer(4), requested >= 0 else { return e.fail(c, "ERR value is out of range, must be positive") }
                size = Int(requested)
            }
            e.populate(c, count: Int(count), prefix: prefix, size: size)
            c.reply.ok()
        case "reload":
            debugReload(e, c, a)
        case "digest" where a.count == 2:
            c.reply.simple(e.datasetDigest().hex)
        case "digest-value":
            c.reply.array(a.count - 2)
            for index in 2..<max(2, a.count) {
                var digest = Digest()
                // Logically expired keys count too: no lookup, as redis-server's DEBUG does.
                let key = a[index]
                if let found = e.databases[c.db].table.find(key) {
                    e.digest(of: e.databases[c.db].table[value: found], expires: e.databases[c.db].expireTime(key) != nil, into: &digest)
                }
                c.reply.simple(digest.hex)
            }
        case "set-active-expire":
            guard a.count == 3, let value = a.integer(2) else { return e.fail(c, "ERR syntax error") }
            e.activeExpireEnabled = value != 0
            c.reply.ok()
        case "object":
            guard a.count == 3 else { return e.fail(c, "ERR syntax error") }
            guard let value = e.lookup(c, a[2]) else { return e.fail(c, "ERR no such key") }
            c.reply.simple("Value at:0x0 refcount:1 encoding:\(value.encodingName) serializedlength:0 lru:0 lru_seconds_idle:0")
        default:
            e.fail(c, "ERR Unknown subcommand or wrong number of arguments for '\(a.string(1))'. Try DEBUG HELP.")
        }
    }

    static func memoryUsage(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var index = 3
        while index < a.count {
            if a.isWord(index, "samples") && index + 1 < a.count {
                guard a.integer(index + 1) != nil else { return e.fail(c, "ERR value is not an integer or out of range") }
                index += 2
            } else {
                return e.fail(c, "ERR syntax error")
            }
        }
        guard let value = e.read(c, a[2]) else { return c.reply.null() }
        c.reply.integer(MemoryEstimate.bytes(key: a[2], value: value))
    }

    static func slowlogGet(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var count = 10
        if a.count == 3 {
            guard let requested = a.integer(2), requested >= -1, requested <= Int64(Int32.max) else {
                return e.fail(c, "ERR count should be greater than or equal to -1")
            }
            count = requested == -1 ? e.slowlog.count : Int(requested)
        }
        let entries = e.slowlog.prefix(count)
        c.reply.array(entries.count)
        for entry in entries {
            c.reply.array(6)
            c.reply.integer(entry.id)
            c.reply.integer(entry.time)
            c.reply.integer(entry.duration)
            c.reply.array(entry.arguments.count)
            for word in entry.arguments { c.reply.bulk(word) }
            c.reply.bulk(entry.address)
            c.reply.bulk(entry.name)
        }
    }

    static func slowlogLen(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { c.reply.integer(e.slowlog.count) }

    static func slowlogReset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.slowlog = []
        c.reply.ok()
    }

    static func monitor(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard !e.monitors.contains(where: { $0 === c }) else { return }
        e.monitors.append(c)
        c.reply.ok()
    }

}

/// MEMORY USAGE: an estimate of the bytes a key and its value take.
enum MemoryEstimate {
    static func bytes(key: [UInt8], value: Value) -> Int {
        let overhead = 56 + key.count
        switch value {
        case .string(let string): return overhead + (string.count <= 44 ? 16 : string.count)
        case .list(let list): return overhead + list.items.reduce(0) { $0 + $1.count + 11 } + 32
        case .hash(let hash): return overhead + hash.pairs.reduce(0) { $0 + $1.field.count + $1.value.count + 24 }
        case .set(let set): return overhead + set.members.reduce(0) { $0 + $1.count + 16 }
        case .zset(let zset): return overhead + zset.allEntries.reduce(0) { $0 + $1.member.count + 40 }
        }
    }
}
