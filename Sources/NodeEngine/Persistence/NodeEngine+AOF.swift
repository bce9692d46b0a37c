import NIOCore
import RDB

/// The AOF as redis-server 7.0's aof.c runs it, on files the server owns
/// (AppendOnlyStore): the buffer written once per event-loop batch and
/// fsynced by appendfsync, a rewrite that starts a new incr file and a new
/// base, the manifest kept in step, CONFIG SET appendonly and the cron's
/// automatic rewrite. The rewrite's snapshot is taken on the engine's thread
/// when the new incr file starts (there is no fork): the base holds exactly
/// what came before the incr file's first byte.
extension NodeEngine {
    var aofFileName: String { config["appendfilename"] }
    var aofDirectory: String { config["appenddirname"] }
    /// hasActiveChildProcess: a BGSAVE or an AOF rewrite is writing its file.
    var backgroundWriteUnderway: Bool { persistence.background != nil || aof.rewrite != nil }

    // MARK: Writing (flushAppendOnlyFile)

    /// The server's beforeSleep must write the buffer (and, appendfsync
    /// always, fsync it) before replies go out.
    public var appendOnlyPending: Bool {
        aof.buffer.readableBytes > 0 || (aof.fsyncPolicy == .always && aof.fileOpen && aof.lastIncrementalSyncOffset != aof.lastIncrementalSize)
    }

    /// beforeSleep's share of the AOF: the buffer to the incr file.
    public func appendOnlyBeforeSleep() {
        guard aof.status != .off else { return }
        now = clock.milliseconds()
        flushAppendOnlyFile()
        aof.diskError = appendOnlyDiskError
    }

    /// flushAppendOnlyFile: write the buffer, then fsync by the policy:
    /// always (now, and a failure stops the node), everysec (in the
    /// background, at most once a second; a write waits up to 2 s for one
    /// still running, unless `force`), no.
    func flushAppendOnlyFile(force: Bool = false) {
        guard let store = appendOnlyStore, aof.fileOpen else { return }
        let seconds = now / 1000
        let policy = aof.fsyncPolicy
        var syncInProgress = false
        if aof.buffer.readableBytes == 0 {
            // Nothing new, but what was written may still wait for its fsync.
            if policy == .everysec && aof.lastIncrementalSyncOffset != aof.lastIncrementalSize && seconds > aof.lastSync {
                syncInProgress = store.backgroundSyncsPending > 0
                if syncInProgress { return }
            } else if !(policy == .always && aof.lastIncrementalSyncOffset != aof.lastIncrementalSize) {
                return
            }
        } else {
            if policy == .everysec { syncInProgress = store.backgroundSyncsPending > 0 }
            if policy == .everysec && !force && syncInProgress {
                if aof.flushPostponedStart == 0 {
                    aof.flushPostponedStart = seconds
                    return
                } else if seconds - aof.flushPostponedStart < 2 {
                    return
                }
                aof.delayedSyncs += 1
                log(.notice, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.")
            }
            guard writeBuffer(store, policy: policy, syncInProgress: syncInProgress) else { return }
        }
        if config.bool("no-appendfsync-on-rewrite") && backgroundWriteUnderway { return }
        if policy == .always {
            let started = clock.microseconds()
            if let failure = store.sync() {
                log(.warning, "Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(failure). Exiting...")
                onFatal?(failure)
                return
            }
            latency.addIfNeeded("aof-fsync-always", microseconds: clock.microseconds() - started, now: seconds)
            aof.lastIncrementalSyncOffset = aof.lastIncrementalSize
            aof.lastSync = seconds
        } else if policy == .everysec && seconds > aof.lastSync {
            if !syncInProgress {
                store.syncInBackground()
                aof.lastIncrementalSyncOffset = aof.lastIncrementalSize
            }
            aof.lastSync = seconds
        }
    }

    /// The write half of flushAppendOnlyFile; false when it failed (the
    /// buffer is kept for the next try, or the node stops under always).
    private func writeBuffer(_ store: any AppendOnlyStore, policy: AOFState.FsyncPolicy, syncInProgress: Bool) -> Bool {
        let seconds = now / 1000
        let expected = aof.buffer.readableBytes
        let started = clock.microseconds()
        let (written, failure) = aof.buffer.withUnsafeReadableBytes { store.append($0) }
        let elapsed = clock.microseconds() - started
        latency.addIfNeeded(syncInProgress ? "aof-write-pending-fsync" : backgroundWriteUnderway ? "aof-write-active-child" : "aof-write-alone",
                            microseconds: elapsed, now: seconds)
        latency.addIfNeeded("aof-write", microseconds: elapsed, now: seconds)
        aof.flushPostponedStart = 0
        guard written == expected else {
            // At most one line every 30 s.
            let logs = seconds - aof.lastWriteErrorLog > 30
            if logs { aof.lastWriteErrorLog = seconds }
            var kept = written
            var reason = failure ?? "No space left on device"
            if written <= 0 {
                if logs { log(.warning, "Error writing to the AOF file: \(reason)") }
                kept = 0
            } else {
                if logs { log(.warning, "Short write while writing to the AOF file: (nwritten=\(written), expected=\(expected))") }
                if let truncateFailure = store.truncateAppendFile(to: aof.lastIncrementalSize) {
                    if logs { log(.warning, "Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: \(truncateFailure)") }
                } else {
                    kept = 0
                }
                reason = "No space left on device"
            }
            if policy == .always {
                log(.warning, "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
                onFatal?(reason)
                return false
            }
            aof.writeFailure = reason
            if kept > 0 {
                aof.currentSize += Int64(kept)
                aof.lastIncrementalSize += Int64(kept)
                aof.buffer.moveReaderIndex(forwardBy: kept)
            }
            return false
        }
        if aof.writeFailure != nil {
            log(.warning, "AOF write error looks solved, Redis can write again.")
            aof.writeFailure = nil
        }
        aof.currentSize += Int64(written)
        aof.lastIncrementalSize += Int64(written)
        if aof.buffer.capacity < 4000 { aof.buffer.clear() } else { aof.buffer = ByteBuffer() }
        return true
    }

    /// writeCommandsDeniedByDiskError's AOF half: the text writes (and PING)
    /// are refused with while the AOF cannot be written or fsynced.
    var appendOnlyDiskError: String? {
        guard aof.status != .off else { return nil }
        return aof.writeFailure ?? appendOnlyStore?.backgroundSyncFailure
    }

    // MARK: The manifest and the incr file

    /// persistAofManifest: written only when changed. False: logged.
    func persistManifest(_ manifest: inout AOFManifest) -> Bool {
        guard manifest.dirty else { return true }
        guard let store = appendOnlyStore else { return false }
        if let failure = store.writeManifest(manifest.text) {
            log(.warning, failure)
            return false
        }
        manifest.dirty = false
        return true
    }

    /// openNewIncrAofForAppend: a rewrite starts a new incr file (on) or the
    /// temporary one (waiting for the first rewrite); both steps or neither.
    func openNewIncrementalForAppend() -> Bool {
        guard aof.status != .off, let store = appendOnlyStore else { return true }
        var manifest = aof.manifest
        let name = aof.status == .waitRewrite ? AOFManifest.temporaryIncrementalName(aofFileName) : manifest.newIncremental(fileName: aofFileName)
        if let failure = store.openAppendFile(name, truncating: true) {
            log(.warning, "Can't open the append-only file \(name): \(failure)")
            return false
        }
        if aof.status == .on && !persistManifest(&manifest) {
            store.abandonAppendFile()
            return false
        }
        log(.notice, "Creating AOF incr file \(name) on background rewrite")
        store.commitAppendFile()
        if aof.fileOpen { aof.lastSync = now / 1000 }
        aof.fileOpen = true
        aof.lastIncrementalSize = 0
        aof.lastIncrementalSyncOffset = 0
        if aof.status == .on { aof.manifest = manifest }
        return true
    }

    /// aofDelHistoryFiles: history files go (unless aof-disable-auto-gc).
    @discardableResult
    func deleteHistoryFiles() -> Bool {
        guard let store = appendOnlyStore, !config.bool("aof-disable-auto-gc"), !aof.manifest.history.isEmpty else { return true }
        for file in aof.manifest.history {
            log(.notice, "Removing the history file \(file.name) in the background")
            store.remove(file.name)
        }
        aof.manifest.history = []
        aof.manifest.dirty = true
        return persistManifest(&aof.manifest)
    }

    // MARK: Rewriting

    /// The base file's bytes: the dataset now, as an RDB (aof-use-rdb-preamble)
    /// or as commands.
    func appendOnlyBase() -> [UInt8] {
        config.bool("aof-use-rdb-preamble") ? rdbSnapshot(aofBase: true) : commandSnapshot()
    }

    /// rewriteAppendOnlyFileBackground. False: it could not start (logged).
    @discardableResult
    func rewriteAppendOnlyFileBackground() -> Bool {
        guard let store = appendOnlyStore, !backgroundWriteUnderway else { return false }
        if let failure = store.createDirectory() {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(failure)")
            aof.lastRewriteOK = false
            return false
        }
        // The next command selects its DB in the new incr file.
        aof.db = -1
        flushAppendOnlyFile(force: true)
        guard openNewIncrementalForAppend() else {
            aof.lastRewriteOK = false
            return false
        }
        aof.rewrites += 1
        let id = aof.nextRewriteID
        aof.nextRewriteID += 1
        let temporary = "temp-rewriteaof-bg-\(processID).aof"
        aof.rewrite = (id, now, temporary)
        aof.updateFeeding()
        aof.rewriteScheduled = false
        log(.notice, "Background append only file rewriting started by pid \(processID)")
        // The snapshot here, where the new incr file starts; only its write runs elsewhere.
        let started = clock.microseconds()
        let base = appendOnlyBase()
        latency.addIfNeeded("fork", microseconds: clock.microseconds() - started, now: now / 1000)
        store.writeTemporary(base, temporaryName: temporary, inBackground: true) { [self] failure in
            rewriteDone(id: id, temporary: temporary, failure: failure)
        }
        return true
    }

    /// backgroundRewriteDoneHandler: the new base goes in, the old base and
    /// incr files become history and are removed.
    private func rewriteDone(id: Int, temporary: String, failure: String?) {
        now = clock.milliseconds()
        guard let store = appendOnlyStore, let rewrite = aof.rewrite, rewrite.id == id else {
            // Stopped meanwhile (CONFIG SET appendonly no, SHUTDOWN): its file goes.
            appendOnlyStore?.removeTemporary(temporary)
            return
        }
        aof.rewrite = nil
        aof.updateFeeding()
        defer {
            store.removeTemporary(temporary)
            if aof.status == .waitRewrite {
                aof.buffer.clear()
                let name = AOFManifest.temporaryIncrementalName(aofFileName)
                log(.notice, "Removing the temp incr aof file \(name) in the background")
                store.remove(name)
            }
            aof.lastRewriteSeconds = (now - rewrite.startedAt) / 1000
            if aof.status == .waitRewrite { aof.rewriteScheduled = true }
        }
        func failed() {
            aof.lastRewriteOK = false
            aof.consecutiveFailures += 1
        }
        if let failure {
            log(.warning, "Write error writing append only file on disk: \(failure)")
            log(.warning, "Background AOF rewrite terminated with error")
            return failed()
        }
        log(.notice, "Successfully created the temporary AOF base file \(temporary)")
        log(.notice, "Background AOF rewrite terminated with success")
        var manifest = aof.manifest
        let baseName = manifest.newBase(fileName: aofFileName, rdbPreamble: config.bool("aof-use-rdb-preamble"))
        if let failure = store.moveTemporary(temporary, to: baseName) {
            log(.warning, "Error trying to rename the temporary AOF base file \(temporary) into \(aofDirectory)/\(baseName): \(failure)")
            return failed()
        }
        log(.notice, "Successfully renamed the temporary AOF base file \(temporary) into \(baseName)")
        var incrementalName: String?
        if aof.status == .waitRewrite {
            let temporaryIncremental = AOFManifest.temporaryIncrementalName(aofFileName)
            let name = manifest.newIncremental(fileName: aofFileName)
            if let failure = store.rename(temporaryIncremental, to: name) {
                log(.warning, "Error trying to rename the temporary AOF incr file \(aofDirectory)/\(temporaryIncremental) into \(aofDirectory)/\(name): \(failure)")
                store.remove(baseName)
                return failed()
            }
            log(.notice, "Successfully renamed the temporary AOF incr file \(temporaryIncremental) into \(name)")
            incrementalName = name
        }
        manifest.markRewrittenIncrementalsAsHistory(keepingLast: aof.fileOpen)
        guard persistManifest(&manifest) else {
            store.remove(baseName)
            if let incrementalName { store.remove(incrementalName) }
            return failed()
        }
        aof.manifest = manifest
        if aof.status != .off {
            aof.currentSize = (store.size(baseName).size ?? 0) + aof.lastIncrementalSize
            aof.rewriteBaseSize = aof.currentSize
        }
        deleteHistoryFiles()
        aof.lastRewriteOK = true
        aof.consecutiveFailures = 0
        log(.notice, "Background AOF rewrite finished successfully")
        if aof.status == .waitRewrite {
            aof.status = .on
            aof.updateFeeding()
        }
    }

    /// killAppendOnlyChild: the rewrite underway is dropped; its file is
    /// removed when its write ends.
    func stopRewrite() {
        guard let rewrite = aof.rewrite else { return }
        log(.notice, "Killing running AOF rewrite child: \(processID)")
        aof.rewrite = nil
        aof.updateFeeding()
        appendOnlyStore?.removeTemporary(rewrite.temporaryName)
    }

    /// aofRewriteLimited: after 3 failures in a row, the cron waits 1, 2,
    /// 4 ... 60 minutes between tries (BGREWRITEAOF still runs at once).
    func rewriteLimited() -> Bool {
        guard aof.consecutiveFailures >= 3 else {
            aof.limitDelayMinutes = 0
            aof.nextRewriteTime = 0
            return false
        }
        let seconds = now / 1000
        if aof.nextRewriteTime != 0 {
            if seconds < aof.nextRewriteTime { return true }
            aof.nextRewriteTime = 0
            return false
        }
        aof.limitDelayMinutes = min(60, aof.limitDelayMinutes == 0 ? 1 : aof.limitDelayMinutes * 2)
        aof.nextRewriteTime = seconds + aof.limitDelayMinutes * 60
        log(.warning, "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in \(aof.limitDelayMinutes) minutes")
        return true
    }

    /// serverCron's AOF duties: a scheduled rewrite, the automatic one on
    /// growth, a postponed write, a write error's retry, and the fsync a
    /// second after the last write (beforeSleep runs only when there is data).
    func appendOnlyCron() {
        guard appendOnlyStore != nil else { return }
        if !backgroundWriteUnderway && aof.rewriteScheduled && !rewriteLimited() {
            rewriteAppendOnlyFileBackground()
        }
        let percentage = config.integer("auto-aof-rewrite-percentage")
        if aof.status == .on && !backgroundWriteUnderway && percentage > 0 && aof.currentSize > config.integer("auto-aof-rewrite-min-size") {
            let base = aof.rewriteBaseSize != 0 ? aof.rewriteBaseSize : 1
            let growth = aof.currentSize * 100 / base - 100
            if growth >= percentage && !rewriteLimited() {
                log(.notice, "Starting automatic rewriting of AOF on \(growth)% growth")
                rewriteAppendOnlyFileBackground()
            }
        }
        if aof.status != .off { flushAppendOnlyFile() }
        aof.diskError = appendOnlyDiskError
    }

    // MARK: Turning it on and off

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

    // MARK: INFO

    /// INFO persistence's aof_* lines, in 7.0's order.
    func appendOnlyInfoLines() -> [String] {
        var lines = ["aof_enabled:\(aof.status != .off ? 1 : 0)", "aof_rewrite_in_progress:\(aof.rewrite != nil ? 1 : 0)",
                     "aof_rewrite_scheduled:\(aof.rewriteScheduled ? 1 : 0)", "aof_last_rewrite_time_sec:\(aof.lastRewriteSeconds)",
                     "aof_current_rewrite_time_sec:\(aof.rewrite.map { (now - $0.startedAt) / 1000 } ?? -1)",
                     "aof_last_bgrewrite_status:\(aof.lastRewriteOK ? "ok" : "err")", "aof_rewrites:\(aof.rewrites)",
                     "aof_rewrites_consecutive_failures:\(aof.consecutiveFailures)",
                     "aof_last_write_status:\(aof.writeFailure == nil && appendOnlyStore?.backgroundSyncFailure == nil ? "ok" : "err")",
                     "aof_last_cow_size:0", "module_fork_in_progress:0", "module_fork_last_cow_size:0"]
        if config.bool("appendonly") {
            lines += ["aof_current_size:\(aof.currentSize)", "aof_base_size:\(aof.rewriteBaseSize)",
                      "aof_pending_rewrite:\(aof.rewriteScheduled ? 1 : 0)", "aof_buffer_length:\(aof.buffer.readableBytes)",
                      "aof_pending_bio_fsync:\(appendOnlyStore?.backgroundSyncsPending ?? 0)", "aof_delayed_fsync:\(aof.delayedSyncs)"]
        }
        return lines
    }

    // MARK: The base in commands (aof-use-rdb-preamble no)

    /// rewriteAppendOnlyFileRio: SELECT per DB, then per key SET, RPUSH,
    /// SADD, ZADD or HMSET (at most 64 items a command) and PEXPIREAT.
    func commandSnapshot() -> [UInt8] {
        var out = ByteBuffer()
        if aof.timestamps { out.writeString("#TS:\(clock.milliseconds() / 1000)\r\n") }
        func header(_ marker: UInt8, _ count: Int) { Self.writeHeader(marker, count, into: &out) }
        func bulk(_ bytes: [UInt8]) {
            header(UInt8(ascii: "$"), bytes.count)
            out.writeBytes(bytes)
            out.writeStaticString("\r\n")
        }
        func batches<T>(_ items: [T], _ name: String, _ key: [UInt8], wordsPerItem: Int, _ write: (T) -> Void) {
            var index = 0
            while index < items.count {
                let count = min(64, items.count - index)
                header(UInt8(ascii: "*"), 2 + count * wordsPerItem)
                bulk(Array(name.utf8))
                bulk(key)
                for item in items[index..<(index + count)] { write(item) }
                index += count
            }
        }
        for (index, database) in databases.enumerated() where database.count > 0 {
            out.writeStaticString("*2\r\n$6\r\nSELECT\r\n")
            bulk(Array(String(index).utf8))
            for entry in 0..<database.table.count {
                let key = database.table.key(at: entry)
                let expireAt = database.expires.isEmpty ? nil : database.expireTime(key)
                if let expireAt, expireAt <= now { continue }
                switch database.table[value: entry].rdbValue {
                case .string(let bytes):
                    out.writeStaticString("*3\r\n$3\r\nSET\r\n")
                    bulk(key)
                    bulk(bytes)
                case .list(let items):
                    batches(items, "RPUSH", key, wordsPerItem: 1) { bulk($0) }
                case .set(let members, _):
                    batches(members, "SADD", key, wordsPerItem: 1) { bulk($0) }
                case .sortedSet(let members, _):
                    batches(members, "ZADD", key, wordsPerItem: 2) { member in
                        bulk(Array(String(format17g: member.score).utf8))
                        bulk(member.member)
                    }
                case .hash(let fields, _):
                    batches(fields, "HMSET", key, wordsPerItem: 2) { field in
                        bulk(field.field)
                        bulk(field.value)
                    }
                }
                if let expireAt {
                    out.writeStaticString("*3\r\n$9\r\nPEXPIREAT\r\n")
                    bulk(key)
                    bulk(Array(String(expireAt).utf8))
                }
            }
        }
        return out.readBytes(length: out.readableBytes) ?? []
    }
}

extension ServerCommands {
    /// BGREWRITEAOF.
    static func bgrewriteaof(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.aof.rewrite != nil { return e.fail(c, "ERR Background append only file rewriting already in progress") }
        if e.backgroundWriteUnderway || c.inExec {
            e.aof.rewriteScheduled = true
            // Asked for by hand: the failure backoff does not hold it back.
            e.aof.consecutiveFailures = 0
            return c.reply.simple("Background append only file rewriting scheduled")
        }
        guard e.appendOnlyStore != nil, e.rewriteAppendOnlyFileBackground() else {
            return e.fail(c, "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
        c.reply.simple("Background append only file rewriting started")
    }
}
