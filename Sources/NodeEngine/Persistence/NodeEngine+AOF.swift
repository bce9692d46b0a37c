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
}
