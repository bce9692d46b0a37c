import CScripting
import ClusterModel
import NIOCore

/// EVAL and its family as eval.c and script.c run them: the cache by SHA1,
/// the shebang's flags, the checks before a run, and the reply.
extension NodeEngine {
    static let noScriptError = "NOSCRIPT No matching script. Please use EVAL."
    static let busyScriptError = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    static let busyFunctionError = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."

    var interpreter: LuaInterpreter? {
        if let interpreter = scripting.interpreter { return interpreter }
        scripting.interpreter = LuaInterpreter(owner: self)
        return scripting.interpreter
    }

    /// The script EVAL or EVALSHA names, from the cache; nil when it is not
    /// there (EVAL then compiles it in its handler).
    func cachedScript(_ source: CommandEntry.ScriptSource, _ arguments: Arguments) -> CachedScript? {
        guard arguments.count > 1 else { return nil }
        let digest = switch source {
        case .sha: arguments.withBytes(1, ScriptDigest.init(hex:))
        case .body: arguments.withBytes(1, ScriptDigest.init(body:))
        case .function: nil as ScriptDigest?
        }
        return digest.flatMap { scripting.scripts[$0] }
    }

    /// evalGetCommandFlags: a script that declared flags runs with them in
    /// place of EVAL's own (write unless no-writes, deny-oom unless
    /// allow-oom or no-writes, stale if allow-stale), so processCommand's
    /// checks (READONLY, OOM, MISCONF, pause) see what it may do.
    func scriptEntry(_ entry: CommandEntry, _ source: CommandEntry.ScriptSource, _ arguments: Arguments) -> CommandEntry {
        var flags: ScriptFlags
        if source == .function {
            // fcallGetCommandFlags: a function's flags, when it exists.
            guard arguments.count > 1, let found = scripting.libraries.function(named: arguments.string(1)) else { return entry }
            flags = found.function.flags
        } else if let script = cachedScript(source, arguments) {
            flags = script.flags
        } else if source == .body, arguments.count > 1, case .success(let shebang) = Shebang.parse(arguments[1]) {
            flags = shebang.flags
        } else {
            return entry
        }
        guard !flags.contains(.evalCompatibility) else { return entry }
        flags.subtract([.noCluster, .allowCrossSlot])
        let key = FlaggedEntryKey(name: entry.name, flags: flags)
        if let flagged = scripting.flaggedEntries[key] { return flagged }
        var commandFlags = entry.flags.subtracting([.stale, .denyOOM, .write, .mayReplicate])
        if !flags.contains(.allowOOM) && !flags.contains(.noWrites) { commandFlags.insert(.denyOOM) }
        if !flags.contains(.noWrites) { commandFlags.insert(.write) }
        if flags.contains(.allowStale) { commandFlags.insert(.stale) }
        let flagged = CommandEntry(name: entry.name, metadata: entry.metadata, arity: entry.arity, flags: commandFlags, handler: entry.handler)
        flagged.statsIndex = entry.statsIndex
        flagged.parent = entry.parent
        scripting.flaggedEntries[key] = flagged
        return flagged
    }

    /// luaCreateFunction: the script compiled and cached under its SHA; the
    /// error goes to the client when it does not compile.
    func createScript(_ body: [UInt8], for client: ClientSession) -> CachedScript? {
        let digest = ScriptDigest(body: body)
        if let script = scripting.scripts[digest] { return script }
        let shebang: Shebang
        switch Shebang.parse(body) {
        case .success(let parsed): shebang = parsed
        case .failure(let error):
            fail(client, "ERR " + error.message)
            return nil
        }
        guard let interpreter else {
            fail(client, "ERR the Lua interpreter could not be started (out of memory)")
            return nil
        }
        let sha = digest.hex
        if let message = interpreter.define("f_" + sha, body: body[shebang.length...]) {
            fail(client, "ERR Error compiling script (new function): " + message)
            return nil
        }
        let script = CachedScript(body: body, flags: shebang.flags, sha: sha, function: "f_" + sha)
        scripting.scripts[digest] = script
        scripting.scriptsMemory += body.count + 40
        return script
    }

    /// evalGenericCommand.
    func eval(_ client: ClientSession, _ arguments: Arguments, bySHA: Bool, readOnly: Bool) {
        // EVAL is skip_monitor: monitors get it here, before the commands it runs.
        feedMonitors(client, arguments, at: clock.microseconds())
        if bySHA && arguments.length(1) != 40 { return fail(client, Self.noScriptError) }
        guard let numberOfKeys = arguments.integer(2) else { return fail(client, "ERR value is not an integer or out of range") }
        if numberOfKeys > Int64(arguments.count - 3) { return fail(client, "ERR Number of keys can't be greater than number of args") }
        if numberOfKeys < 0 { return fail(client, "ERR Number of keys can't be negative") }
        var found = cachedScript(bySHA ? .sha : .body, arguments)
        if found == nil {
            if bySHA { return fail(client, Self.noScriptError) }
            guard let script = createScript(arguments[1], for: client) else { return }
            found = script
        }
        guard let script = found, let interpreter else { return }
        let keys = 3..<(3 + Int(numberOfKeys))
        guard let run = prepareScriptRun(client, sha: script.sha, flags: script.flags, readOnly: readOnly, arguments, keys: keys) else { return }
        runScript(run, interpreter, function: script.function, arguments, keys: keys, args: keys.upperBound..<arguments.count)
    }

    /// scriptPrepareForRun: the refusals a script gets before it starts, from what it declared.
    func prepareScriptRun(_ client: ClientSession, sha: String, flags: ScriptFlags, readOnly: Bool,
                          _ arguments: Arguments, keys: Range<Int>) -> ScriptRun? {
        let stale = isStaleReplica
        let obeys = client.isMaster || aof.loading
        if !flags.contains(.evalCompatibility) {
            if flags.contains(.noCluster) && cluster != nil {
                fail(client, "ERR Can not run script on cluster, 'no-cluster' flag is set.")
                return nil
            }
            if stale && !flags.contains(.allowStale) {
                fail(client, "MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.")
                return nil
            }
            if !flags.contains(.noWrites) {
                if replication.master != nil && config.bool("replica-read-only") && !obeys {
                    fail(client, "READONLY Can not run script with write flag on readonly replica")
                    return nil
                }
                if let failure = aof.diskError, !obeys {
                    fail(client, "MISCONF Redis is configured to persist data to AOF, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts. AOF error: \(failure)")
                    return nil
                }
                if readOnly {
                    fail(client, "ERR Can not execute a script with write flag using *_ro command.")
                    return nil
                }
                if replication.master == nil && minReplicasToWrite > 0 && lacksGoodReplicas() {
                    fail(client, "NOREPLICAS Not enough good replicas to write.")
                    return nil
                }
            }
            if maxmemory > 0 && !flags.contains(.allowOOM) && !flags.contains(.noWrites) && usedMemory() > maxmemory {
                fail(client, "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'")
                return nil
            }
        } else if stale {
            fail(client, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
            return nil
        }
        let slot = cluster != nil && !keys.isEmpty ? arguments.withBytes(keys.lowerBound, HashSlot.slot(of:)) : nil
        return ScriptRun(caller: client, sha: sha, flags: flags, readOnly: readOnly, obeysCaller: obeys,
                         startedOutOfMemory: maxmemory > 0 && usedMemory() > maxmemory,
                         startedAt: clock.microseconds(), slot: slot)
    }

    /// luaCallFunction: the run, its reply, and its effects already collected for propagation.
    func runScript(_ run: ScriptRun, _ interpreter: LuaInterpreter, function: String?, ref: Int32 = -1, _ arguments: Arguments,
                   keys: Range<Int>, args: Range<Int>) {
        let client = run.caller
        let scriptClient = scriptingClient
        scriptClient.db = client.db
        scriptClient.asking = client.asking
        scriptClient.readOnly = client.readOnly
        scripting.run = run
        // A busy script hands the event loop back (to answer BUSY and SCRIPT KILL) only from
        // the top of a client's command: not inside EXEC, from the master or while loading.
        run.yieldable = onScriptYield != nil && !run.obeysCaller && !client.inExec
        run.interpreter = interpreter
        let progress = interpreter.start(function, ref: ref, sha: run.sha, arguments: arguments, keys: keys, args: args,
                                         callerProtocol: client.reply.protocolVersion,
                                         hook: scripting.busyReplyThreshold > 0, yieldable: run.yieldable)
        // EVAL itself never goes out: the script's commands are its effects.
        preventPropagation()
        switch progress {
        case .finished: finishScript(run, interpreter)
        case .parked: park(run)
        }
    }

    /// The script is parked in its hook: its caller waits, everyone else gets BUSY,
    /// and its effects so far are kept aside to go out with the rest as one transaction.
    private func park(_ run: ScriptRun) {
        run.parked = true
        run.caller.awaitingScript = true
        run.parkedEffects = (propagation.pending, propagation.pendingBytes)
        propagation.pending = []
        propagation.pendingBytes = ByteBuffer()
        onScriptYield?()
    }

    /// The server's next turn for a parked script.
    public func resumeParkedScript() {
        guard let run = scripting.run, run.parked, let interpreter = run.interpreter else { return }
        now = run.startedAt / 1000
        run.parked = false
        if let (pending, bytes) = run.parkedEffects {
            propagation.pending = pending
            propagation.pendingBytes = bytes
            run.parkedEffects = nil
        }
        switch interpreter.resume(kill: run.killed) {
        case .parked:
            park(run)
        case .finished:
            finishScript(run, interpreter)
            let offset = replication.offset
            propagatePending()
            if replication.offset != offset { run.caller.writeOffset = replication.offset }
            run.caller.awaitingScript = false
            run.caller.wake?()
            replicationBeforeSleep()
            clusterBeforeSleep()
        }
    }

    private func finishScript(_ run: ScriptRun, _ interpreter: LuaInterpreter) {
        let client = run.caller
        interpreter.withReply { reply, outcome in
            if outcome.isError {
                let message = String(decoding: reply, as: UTF8.self)
                if outcome.quiet {
                    client.reply.error(message)
                    stats.failedUncounted = true
                } else {
                    fail(client, message)
                }
            } else {
                client.reply.bytes.writeBytes(reply)
                stats.errorReplies += Int64(outcome.nestedErrors)
            }
        }
        scripting.run = nil
    }

    /// A script is parked past busy-reply-threshold: other clients get BUSY.
    var scriptIsBusy: Bool { scripting.run?.parked ?? false }

    /// The client the script's commands run as.
    var scriptingClient: ClientSession {
        if let client = scripting.client { return client }
        // Its commands show as "[db lua]" in MONITOR, as the Lua client's do.
        let client = ClientSession(id: 0, address: "lua", localAddress: "", isLoopback: true, authenticated: true, now: now,
                                   maxBulkLength: Int.max)
        scripting.client = client
        return client
    }

    var isStaleReplica: Bool {
        guard let master = replication.master else { return false }
        return master.state != .connected && !config.bool("replica-serve-stale-data")
    }

    /// SCRIPT FLUSH: the cache and the interpreter go (a new one is made on next use).
    func flushScripts() {
        scripting.scripts = [:]
        scripting.scriptsMemory = 0
        scripting.flaggedEntries = [:]
        scripting.interpreter = nil
    }

    /// INFO memory's scripting lines, as 7.0.15 names them.
    func scriptingMemoryInfoLines(_ human: (Int64) -> String) -> [String] {
        let vm = Int64(scripting.interpreter?.memory ?? 0)
        // Each cached script costs its body and SHA, plus a dictionary entry and its slot.
        let scripts = Int64(scripting.scriptsMemory + scripting.scripts.count * 48 + scripting.scripts.capacity * 8)
        let functions = functionsMemory
        return ["used_memory_lua:\(vm)", "used_memory_vm_eval:\(vm)", "used_memory_lua_human:\(human(vm))",
                "used_memory_scripts_eval:\(scripts)", "number_of_cached_scripts:\(scripting.scripts.count)",
                "number_of_functions:\(scripting.libraries.functionCount)", "number_of_libraries:\(scripting.libraries.count)",
                "used_memory_vm_functions:\(functions.vm)",
                "used_memory_vm_total:\(vm + functions.vm)", "used_memory_vm_total_human:\(human(vm + functions.vm))",
                "used_memory_functions:\(functions.overhead)",
                "used_memory_scripts:\(scripts + functions.overhead)", "used_memory_scripts_human:\(human(scripts + functions.overhead))"]
    }
}
