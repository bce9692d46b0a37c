#if canImport(Glibc)
import Glibc
#endif

/// DEBUG: the subcommands of debug.c that clients and Redis's own tests
/// use, with its replies and errors.
enum DebugCommand {
    static let all: [(String, CommandHandler)] = [("debug", debug)]

    static func debug(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let sub = a.lowercased(1)
        switch sub {
        case "sleep":
            guard a.count == 3, let seconds = Double(a.string(2)) else { return e.fail(c, "ERR syntax error") }
            usleep(UInt32(max(0, seconds) * 1_000_000))
            c.reply.ok()
        case "populate":
            guard a.count >= 3, a.count <= 5 else { return e.subcommandSyntaxError(c, a) }
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
        case "loadaof":
            debugLoadAOF(e, c, a)
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
            // The dictionary as it is: a key past its time that is still there answers (debug.c).
            let database = e.databases[c.db]
            guard let slot = database.table.find(a[2]) else { return e.fail(c, "ERR no such key") }
            let value = database.table[value: slot]
            c.reply.simple("Value at:0x0 refcount:1 encoding:\(value.encodingName) serializedlength:0 lru:0 lru_seconds_idle:0")
        case "protocol" where a.count == 3:
            protocolReply(e, c, a)
        case "quicklist-packed-threshold" where a.count == 3:
            // quicklistisSetPackedThreshold: 0 means 1 GB; the engine's lists keep elements whole either way.
            guard let size = ConfigNumberSyntax.memtoull(a.string(2)), size <= (1 << 32) - (1 << 20) else {
                return e.fail(c, "ERR argument must be a memory value bigger than 1 and smaller than 4gb")
            }
            e.quicklistPackedThreshold = size == 0 ? 1 << 30 : Int64(size)
            c.reply.ok()
        case "log" where a.count == 3:
            e.log(.warning, "DEBUG LOG: \(a.string(2))")
            c.reply.ok()
        case "change-repl-id" where a.count == 2:
            e.log(.warning, "Changing replication IDs after receiving DEBUG change-repl-id")
            c.reply.ok()
        case "stringmatch-test" where a.count == 2:
            // stringmatchlen_fuzz_test: random patterns against random strings, for crashes.
            var generator = e.random
            for _ in 0..<1000 {
                let pattern = (0..<Int.random(in: 0...100, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let text = (0..<Int.random(in: 0...100, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = GlobPattern.matches(pattern, text, caseInsensitive: Bool.random(using: &generator))
            }
            e.random = generator
            c.reply.simple("Apparently Redis did not crash: test passed")
        case "replybuffer" where a.count == 4:
            replyBuffer(e, c, a)
        case "set-disable-deny-scripts" where a.count == 3:
            // Commands flagged noscript may then run from scripts (the suite's DEBUG PROTOCOL tests).
            e.scripting.denyScriptsDisabled = (a.integer(2) ?? 0) != 0
            c.reply.ok()
        case "set-skip-checksum-validation" where a.count == 3, "pause-cron" where a.count == 3:
            c.reply.ok()
        case "listpack" where a.count == 3, "quicklist" where a.count == 3 || a.count == 4:
            structure(e, c, a, sub)
        case "fault":
            fault(e, c, a)
        case "help":
            e.replyHelp(c, a, HelpTexts.byCommand["debug"] ?? [])
        default:
            e.subcommandSyntaxError(c, a)
        }
    }

    /// DEBUG PROTOCOL <type>: one reply of each RESP type, as debug.c writes them.
    static func protocolReply(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        switch a.lowercased(2) {
        case "string": c.reply.bulk("Hello World")
        case "integer": c.reply.integer(12345)
        case "double": c.reply.double(3.141)
        case "bignum": c.reply.bigNumber("1234567999999999999999999999999999999")
        case "null": c.reply.null()
        case "array":
            c.reply.array(3)
            for value in 0..<3 { c.reply.integer(value) }
        case "set":
            c.reply.set(3)
            for value in 0..<3 { c.reply.integer(value) }
        case "map":
            c.reply.map(3)
            for value in 0..<3 {
                c.reply.integer(value)
                c.reply.boolean(value == 1)
            }
        case "attrib":
            if c.reply.protocolVersion >= 3 {
                c.reply.attribute(1)
                c.reply.bulk("key-popularity")
                c.reply.array(2)
                c.reply.bulk("key:123")
                c.reply.integer(90)
            }
            c.reply.bulk("Some real reply following the attribute")
        case "push":
            guard c.reply.protocolVersion >= 3 else { return e.fail(c, "ERR RESP2 is not supported by this command") }
            c.reply.push(2)
            c.reply.bulk("server-cpu-usage")
            c.reply.integer(42)
            c.reply.bulk("Some real reply following the push reply")
        case "true": c.reply.boolean(true)
        case "false": c.reply.boolean(false)
        case "verbatim": c.reply.verbatim("This is a verbatim\nstring")
        default:
            e.fail(c, "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
        }
    }

    /// DEBUG REPLYBUFFER PEAK-RESET-TIME <never|reset|ms> | RESIZING <0|1>: how
    /// the reply buffer sizes CLIENT LIST shows change (ReplyBufferSizing).
    static func replyBuffer(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.isWord(2, "peak-reset-time") {
            if a.isWord(3, "never") {
                e.replyBufferPeakResetTime = -1
            } else if a.isWord(3, "reset") {
                e.replyBufferPeakResetTime = 5000
            } else {
                guard let time = e.integerArgument(c, a, 3, in: Int64.min...Int64.max) else { return }
                e.replyBufferPeakResetTime = time
            }
        } else if a.isWord(2, "resizing") {
            e.replyBufferResizing = (a.integer(3) ?? 0) != 0
        } else {
            return e.subcommandSyntaxError(c, a)
        }
        c.reply.ok()
    }

    /// DEBUG LISTPACK / QUICKLIST key: redis-server prints the structure on
    /// its stdout; the engine checks the encoding the same way and logs it.
    static func structure(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ sub: String) {
        guard let value = e.peek(c, a[2], notifiesMiss: false) else { return e.fail(c, "ERR no such key") }
        let wanted = sub == "listpack" ? "listpack" : "quicklist"
        guard value.encodingName == wanted else {
            return e.fail(c, "ERR Not a \(wanted) encoded object.")
        }
        e.log(.notice, "DEBUG \(sub.uppercased()) \(a.string(2)): \(value.typeName), encoding \(wanted)")
        c.reply.simple(sub == "listpack" ? "Listpack structure printed on stdout" : "Quicklist structure printed on stdout")
    }
}
