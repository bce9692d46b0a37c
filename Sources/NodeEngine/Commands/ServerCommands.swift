#if canImport(Glibc)
import Glibc
#endif

/// CONFIG, INFO, TIME, SHUTDOWN, DEBUG and friends (COMMAND is in CommandCommands).
enum ServerCommands {
    static let all: [(String, CommandHandler)] = [
        ("config|get", configGet), ("config|set", configSet), ("config|resetstat", configResetStat),
        ("config|rewrite", configRewrite),
        ("info", InfoCommand.info), ("time", time), ("lastsave", lastsave), ("save", save), ("bgsave", bgsave), ("shutdown", shutdown),
        ("bgrewriteaof", bgrewriteaof),
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
        for index in ServerConfig.sensitiveArgumentIndexes(a) { e.redact(index) }
        switch e.config.validatedChanges(pairs, clientIsLocal: c.isLoopback) {
        case .failure(let error):
            e.fail(c, error.message)
        case .success(let changes):
            if let apply = e.configApplier, let refusal = apply(changes) {
                return e.fail(c, "ERR CONFIG SET failed (possibly related to argument '\(refusal.name)') - \(refusal.reason)")
            }
            e.applyConfig(changes)
            if let refusal = e.appendOnlyChanged(changes, inTransaction: c.inExec) {
                e.applyConfig([("appendonly", "no")])
                return e.fail(c, "ERR CONFIG SET failed (possibly related to argument 'appendonly') - \(refusal)")
            }
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
        let force = (1..<max(1, a.count)).contains { a.isWord($0, "force") }
        guard e.saveBeforeShutdown(save: nosave ? false : save ? true : nil, force: force) else {
            return e.fail(c, "ERR Errors trying to SHUTDOWN. Check logs.")
        }
        e.shutdownRequested = true
        c.closeAfterReply = true
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
