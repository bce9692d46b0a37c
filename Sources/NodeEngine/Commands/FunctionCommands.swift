import RDB

/// FUNCTION LOAD/DELETE/LIST/DUMP/RESTORE/FLUSH/STATS/KILL and FCALL,
/// FCALL_RO, as functions.c answers them.
enum FunctionCommands {
    static let all: [(String, CommandHandler)] = [
        ("function|load", load), ("function|delete", delete), ("function|list", list), ("function|dump", dump),
        ("function|restore", restore), ("function|flush", flush), ("function|stats", stats), ("function|kill", kill),
        ("fcall", { e, c, a in e.fcall(c, a, readOnly: false) }),
        ("fcall_ro", { e, c, a in e.fcall(c, a, readOnly: true) }),
    ]

    static func load(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var replace = false
        var index = 2
        while index < a.count - 1 {
            guard a.isWord(index, "replace") else { return e.fail(c, "ERR Unknown option given: \(a.string(index))") }
            replace = true
            index += 1
        }
        guard index < a.count else { return e.fail(c, "ERR Function code is missing") }
        let timeout = c.isMaster || e.aof.loading ? 0 : NodeEngine.libraryLoadTimeoutMilliseconds
        switch e.createLibrary(a[index], replace: replace, timeoutMilliseconds: timeout) {
        case .success(let name):
            e.dirty += 1
            c.reply.bulk(name)
        case .failure(let error):
            e.fail(c, "ERR " + error.message)
        }
    }

    static func delete(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard e.deleteLibrary(a.string(2)) else { return e.fail(c, "ERR Library not found") }
        e.dirty += 1
        c.reply.ok()
    }

    static func list(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var withCode = false
        var pattern: [UInt8]?
        var index = 2
        while index < a.count {
            if !withCode && a.isWord(index, "withcode") {
                withCode = true
            } else if pattern == nil && a.isWord(index, "libraryname") {
                guard index < a.count - 1 else { return e.fail(c, "ERR library name argument was not given") }
                index += 1
                pattern = a[index]
            } else {
                return e.fail(c, "ERR Unknown argument \(a.string(index))")
            }
            index += 1
        }
        let libraries = e.scripting.libraries.sorted.filter { library in
            pattern.map { GlobPattern.matches($0, Array(library.name.utf8), caseInsensitive: true) } ?? true
        }
        c.reply.array(libraries.count)
        for library in libraries {
            c.reply.map(withCode ? 4 : 3)
            c.reply.bulk("library_name")
            c.reply.bulk(library.name)
            c.reply.bulk("engine")
            c.reply.bulk("LUA")
            c.reply.bulk("functions")
            c.reply.array(library.functions.count)
            for function in library.functions {
                c.reply.map(3)
                c.reply.bulk("name")
                c.reply.bulk(function.name)
                c.reply.bulk("description")
                if let description = function.description { c.reply.bulk(description) } else { c.reply.null() }
                c.reply.bulk("flags")
                let flags = ScriptFlags.names.filter { function.flags.contains($0.1) }
                c.reply.set(flags.count)
                for (name, _) in flags { c.reply.simple(name) }
            }
            if withCode {
                c.reply.bulk("library_code")
                c.reply.bulk(library.code)
            }
        }
    }

    static func dump(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.bulk(DumpPayload.sealed(e.librariesRecords()))
    }

    static func restore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 4 else { return e.subcommandSyntaxError(c, a) }
        var policy = NodeEngine.RestorePolicy.append
        if a.count == 4 {
            if a.isWord(3, "append") { policy = .append }
            else if a.isWord(3, "replace") { policy = .replace }
            else if a.isWord(3, "flush") { policy = .flush }
            else { return e.fail(c, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.") }
        }
        guard let body = DumpPayload.verifiedBody(a[2]) else { return e.fail(c, "ERR DUMP payload version or checksum are wrong") }
        if let error = e.restoreLibraries(body, policy: policy) { return e.fail(c, "ERR " + error) }
        e.dirty += 1
        c.reply.ok()
    }

    static func flush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count <= 3 else { return e.subcommandSyntaxError(c, a) }
        guard a.count == 2 || a.isWord(2, "sync") || a.isWord(2, "async") else {
            return e.fail(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
        }
        e.flushFunctions()
        e.dirty += 1
        c.reply.ok()
    }

    /// functionStatsCommand.
    static func stats(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let run = e.scripting.run
        if let run, !run.isFunction { return e.fail(c, NodeEngine.busyScriptError) }
        c.reply.map(2)
        c.reply.bulk("running_script")
        if let run, let command = run.command {
            c.reply.map(3)
            c.reply.bulk("name")
            c.reply.bulk(run.sha)
            c.reply.bulk("command")
            c.reply.array(command.count)
            for index in 0..<command.count { c.reply.bulk(command[index]) }
            c.reply.bulk("duration_ms")
            c.reply.integer((e.clock.microseconds() - run.startedAt) / 1000)
        } else {
            c.reply.null()
        }
        c.reply.bulk("engines")
        c.reply.map(1)
        c.reply.bulk("LUA")
        c.reply.map(2)
        c.reply.bulk("libraries_count")
        c.reply.integer(e.scripting.libraries.count)
        c.reply.bulk("functions_count")
        c.reply.integer(e.scripting.libraries.functionCount)
    }

    static func kill(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.killScript(c, fromEval: false)
    }
}
