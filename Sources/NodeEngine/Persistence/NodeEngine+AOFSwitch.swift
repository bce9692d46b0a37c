import NIOCore

/// CONFIG SET appendonly, a replica's AOF around a full sync, SHUTDOWN.
extension NodeEngine {
    /// startAppendOnly (CONFIG SET appendonly yes): a rewrite makes the first
    /// base; commands meanwhile go to a temporary incr file. False: logged.
    func startAppendOnly(inTransaction: Bool) -> Bool {
        aof.status = .waitRewrite
        if backgroundWriteUnderway && aof.rewrite == nil {
            aof.rewriteScheduled = true
            log(.warning, "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
        } else if inTransaction {
            aof.rewriteScheduled = true
            log(.warning, "AOF was enabled during a transaction. An AOF background was scheduled to start when possible.")
        } else {
            if aof.rewrite != nil {
                log(.warning, "AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.")
                stopRewrite()
            }
            guard rewriteAppendOnlyFileBackground() else {
                aof.status = .off
                aof.updateFeeding()
                log(.warning, "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.")
                return false
            }
        }
        aof.lastSync = now / 1000
        if appendOnlyStore?.backgroundSyncFailure != nil {
            log(.warning, "AOF reopen, just ignore the AOF fsync error in bio job")
            appendOnlyStore?.clearBackgroundSyncFailure()
        }
        if aof.writeFailure != nil {
            log(.warning, "AOF reopen, just ignore the last error.")
            aof.writeFailure = nil
        }
        aof.diskError = nil
        return true
    }

    /// stopAppendOnly (CONFIG SET appendonly no): the buffer written and
    /// fsynced, the file closed, a rewrite underway dropped.
    func stopAppendOnly() {
        guard let store = appendOnlyStore else { return }
        flushAppendOnlyFile(force: true)
        if aof.fileOpen {
            if let failure = store.sync() {
                log(.warning, "Fail to fsync the AOF file: \(failure)")
            } else {
                aof.lastSync = now / 1000
            }
            store.closeAppendFile()
        }
        aof.fileOpen = false
        aof.db = -1
        aof.status = .off
        aof.rewriteScheduled = false
        aof.lastIncrementalSize = 0
        aof.lastIncrementalSyncOffset = 0
        stopRewrite()
        aof.buffer = ByteBuffer()
        aof.diskError = nil
        aof.updateFeeding()
    }

    /// restartAOFAfterSYNC: the AOF starts again from a rewrite of the
    /// master's dataset; a replica that cannot do that stops.
    func restartAppendOnlyAfterSync() {
        guard appendOnlyStore != nil else { return }
        if startAppendOnly(inTransaction: false) { return }
        log(.warning, "FATAL: this replica instance finished the synchronization with its master, but the AOF can't be turned on. Exiting now.")
        onFatal?("the AOF can't be turned on")
    }

    /// updateAppendonly: CONFIG SET appendonly. The refusal's text, or nil.
    func appendOnlyChanged(_ changes: [(name: String, value: String)], inTransaction: Bool) -> String? {
        guard appendOnlyStore != nil, changes.contains(where: { $0.name == "appendonly" }) else { return nil }
        let enabled = config.bool("appendonly")
        if enabled && aof.status == .off {
            if !startAppendOnly(inTransaction: inTransaction) { return "Unable to turn on AOF. Check server logs." }
        } else if !enabled && aof.status != .off {
            stopAppendOnly()
        }
        return nil
    }

    /// prepareForShutdown's AOF half. False: the first rewrite has not made
    /// the AOF yet, and the node must not exit without it (unless forced).
    func prepareAppendOnlyForShutdown(force: Bool) -> Bool {
        guard let store = appendOnlyStore else { return true }
        if aof.rewrite != nil {
            if aof.status == .waitRewrite {
                if !force {
                    log(.warning, "Writing initial AOF, can't exit.")
                    return false
                }
                log(.warning, "Writing initial AOF. Exit anyway.")
            }
            log(.warning, "There is a child rewriting the AOF. Killing it!")
            stopRewrite()
        }
        guard aof.status != .off else { return true }
        log(.notice, "Calling fsync() on the AOF file.")
        flushAppendOnlyFile(force: true)
        if aof.fileOpen, let failure = store.sync() { log(.warning, "Fail to fsync the AOF file: \(failure).") }
        return true
    }
}
