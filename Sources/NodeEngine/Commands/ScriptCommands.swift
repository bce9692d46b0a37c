/// EVAL, EVALSHA, their _RO forms, and SCRIPT LOAD/EXISTS/FLUSH/KILL.
enum ScriptCommands {
    static let all: [(String, CommandHandler)] = [
        ("eval", { e, c, a in e.eval(c, a, bySHA: false, readOnly: false) }),
        ("evalsha", { e, c, a in e.eval(c, a, bySHA: true, readOnly: false) }),
        ("eval_ro", { e, c, a in e.eval(c, a, bySHA: false, readOnly: true) }),
        ("evalsha_ro", { e, c, a in e.eval(c, a, bySHA: true, readOnly: true) }),
        ("script|load", load), ("script|exists", exists), ("script|flush", flush), ("script|kill", kill),
        ("script|debug", debug),
    ]

    static func load(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let script = e.createScript(a[2], for: c) else { return }
        c.reply.bulk(script.sha)
    }

    static func exists(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            let digest = a.withBytes(index, ScriptDigest.init(hex:))
            c.reply.integer(digest.flatMap { e.scripting.scripts[$0] } == nil ? 0 : 1)
        }
    }

    static func flush(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard a.count == 2 || (a.count == 3 && (a.isWord(2, "sync") || a.isWord(2, "async"))) else {
            return e.fail(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option")
        }
        e.flushScripts()
        c.reply.ok()
    }

    static func kill(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        e.killScript(c, fromEval: true)
    }

    /// The engine has no Lua debugger (LDB).
    static func debug(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.isWord(2, "no") { return c.reply.ok() }
        guard a.isWord(2, "yes") || a.isWord(2, "sync") else { return e.fail(c, "ERR Use SCRIPT DEBUG YES/SYNC/NO") }
        e.fail(c, "ERR SCRIPT DEBUG is not supported by rcluster's engine: it has no Lua debugger")
    }
}

extension NodeEngine {
    /// scriptKill: SCRIPT KILL ends an EVAL, FUNCTION KILL a function.
    func killScript(_ c: ClientSession, fromEval: Bool) {
        guard let run = scripting.run else { return fail(c, "NOTBUSY No scripts in execution right now.") }
        if run.obeysCaller {
            return fail(c, "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.")
        }
        if run.wrote {
            return fail(c, "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
        }
        if fromEval && run.isFunction { return fail(c, Self.busyFunctionError) }
        if !fromEval && !run.isFunction { return fail(c, Self.busyScriptError) }
        run.killed = true
        c.reply.ok()
    }
}
