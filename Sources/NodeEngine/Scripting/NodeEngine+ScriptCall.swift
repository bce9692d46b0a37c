import CScripting
import ClusterModel
import NIOCore

/// redis.call from a running script (scriptCall): the checks in 7.0.15's
/// order, then the command through call(), so that its effects join the
/// script's for propagation (one MULTI/EXEC at the end of EVAL).
extension NodeEngine {
    func runScriptCommand(_ command: UnsafeMutablePointer<rc_command>) {
        let arguments = scriptArguments(of: command.pointee)
        defer { scripting.spareArguments = arguments }
        let client = scriptingClient
        client.reply.protocolVersion = Int(command.pointee.resp)
        let entry = commands.lookup(arguments)
        if let refusal = scriptCommandRefusal(entry, arguments, client) {
            if let entry { stats.commandRejections[entry.statsIndex] += 1 }
            stats.errorReplies += 1
            stats.countError(refusal.hasPrefix("-") ? String(refusal.dropFirst()) : "ERR " + refusal)
            stats.errorsAccounted = stats.errorReplies
            command.pointee.refused = 1
            Self.setReply(command.pointee.reply, refusal)
            return
        }
        guard let entry else { return }
        let pendingBefore = propagation.pending.count
        call(entry, client, arguments)
        applyScriptReplication(Int(command.pointee.repl), from: pendingBefore)
        client.reply.bytes.withUnsafeReadableBytes { bytes in
            rc_bytes_set(command.pointee.reply, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        client.reply.bytes.clear()
    }

    /// Why the script may not run this command now, as scriptCall words it
    /// ("-CODE msg" or a plain message that becomes "ERR msg"); nil: it runs.
    private func scriptCommandRefusal(_ entry: CommandEntry?, _ arguments: Arguments, _ client: ClientSession) -> String? {
        guard let run = scripting.run else { return "redis.call can only be called inside a script invocation" }
        guard let entry else { return "Unknown Redis command called from script" }
        if (entry.arity > 0 && entry.arity != arguments.count) || arguments.count < -entry.arity {
            return "Wrong number of args calling Redis command from script"
        }
        if entry.flags.contains(.noScript) && !scripting.denyScriptsDisabled { return "This Redis command is not allowed from script" }
        if isStaleReplica && !entry.flags.contains(.stale) { return "Can not execute the command on a stale replica" }
        let writes = entry.flags.contains(.write)
        if run.readOnly && (writes || entry.flags.contains(.mayReplicate)) {
            return "Write commands are not allowed from read-only scripts."
        }
        if writes && !run.wrote {
            if replication.master != nil && config.bool("replica-read-only") && !run.obeysCaller {
                return "-READONLY You can't write against a read only replica."
            }
            if let failure = aof.diskError {
                return "-MISCONF Errors writing to the AOF file: \(failure)"
            }
            if replication.master == nil && minReplicasToWrite > 0 && lacksGoodReplicas() {
                return "-NOREPLICAS Not enough good replicas to write."
            }
        }
        if !run.allowsOOM && maxmemory > 0 && !run.obeysCaller && !run.wrote && run.startedOutOfMemory
            && entry.flags.contains(.denyOOM) {
            return "-OOM command not allowed when used memory > 'maxmemory'."
        }
        if writes { run.wrote = true }
        if cluster != nil && !run.obeysCaller {
            if let redirection = clusterRedirection(client, entry, arguments) {
                // getNodeByQuery's error codes: a slot nobody serves is a non-local key, like MOVED and ASK.
                switch redirection {
                case "CLUSTERDOWN The cluster is down and only accepts read commands":
                    return "Script attempted to execute a write command while the cluster is down and readonly"
                case "CLUSTERDOWN The cluster is down":
                    return "Script attempted to execute a command while the cluster is down"
                default:
                    return "Script attempted to access a non local key in a cluster node"
                }
            }
            if !run.allowsCrossSlot, let position = KeyPositions.keys(of: entry, arguments).first {
                let slot = arguments.withBytes(position, HashSlot.slot(of:))
                if let known = run.slot, known != slot {
                    return "Script attempted to access keys that do not hash to the same slot"
                }
                run.slot = slot
            }
        }
        return nil
    }

    /// redis.set_repl: the effects of the command just run go to the AOF,
    /// the replicas, both (the default) or nowhere.
    private func applyScriptReplication(_ flags: Int, from start: Int) {
        guard flags != 3, propagation.pending.count > start else { return }
        let toAOF = flags & 1 != 0, toReplicas = flags & 2 != 0
        var kept = Array(propagation.pending[..<start])
        for var effect in propagation.pending[start...] {
            switch effect.target {
            case .everywhere where toAOF && toReplicas: break
            case .everywhere where toAOF: effect.target = .aofOnly
            case .everywhere where toReplicas: effect.target = .replicasOnly
            case .replicasOnly where toReplicas, .aofOnly where toAOF: break
            default: continue
            }
            kept.append(effect)
        }
        propagation.pending = kept
    }

    /// redis.acl_check_cmd: the default user may run every command.
    func scriptACLCheck(_ command: UnsafeMutablePointer<rc_command>) -> Int32 {
        commands.lookup(scriptArguments(of: command.pointee)) == nil ? -1 : 1
    }

    func scriptLog(level: Int, _ line: String) {
        let levels: [EngineLogLevel] = [.debug, .verbose, .notice, .warning]
        log(levels[max(0, min(3, level))], line)
    }

    /// The count hook's verdict: 0 go on, 1 end the script (SCRIPT KILL),
    /// 2 hand the event loop back for a turn (busy past busy-reply-threshold).
    func scriptInterrupt() -> Int32 {
        guard let run = scripting.run else { return 0 }
        if run.killed { return 1 }
        if !run.timedOut {
            let elapsed = (clock.microseconds() - run.startedAt) / 1000
            guard elapsed >= scripting.busyReplyThreshold else { return 0 }
            run.timedOut = true
            log(.warning, "Slow script detected: still in execution after \(elapsed) milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: \(run.sha).")
        }
        return run.yieldable ? 2 : 0
    }

    /// The command's words, in the buffer and ranges the previous call left
    /// (no allocation once they are big enough, unless an effect kept them).
    private func scriptArguments(of command: rc_command) -> Arguments {
        var buffer = scripting.spareArguments.buffer
        var ranges = scripting.spareArguments.ranges
        scripting.spareArguments = Arguments(buffer: ByteBuffer(), ranges: [])
        buffer.clear()
        ranges.removeAll(keepingCapacity: true)
        for index in 0..<Int(command.argc) {
            let start = buffer.writerIndex
            let length = command.lengths[index]
            if let pointer = command.argv[index] {
                buffer.writeBytes(UnsafeRawBufferPointer(start: pointer, count: length))
            }
            ranges.append(start..<buffer.writerIndex)
        }
        return Arguments(buffer: buffer, ranges: ranges)
    }

    private static func setReply(_ reply: UnsafeMutablePointer<rc_bytes>?, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { rc_bytes_set(reply, $0.baseAddress, $0.count) }
        }
    }
}
