import NIOCore
import RDB

/// The AOF rewrite (BGREWRITEAOF, the cron's automatic one): a new incr
/// file and a new base, whose snapshot is taken on the engine's thread when
/// the incr file starts (there is no fork); only its write runs elsewhere.
extension NodeEngine {
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
                if let expireAt, expireAt < now { continue }
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
                case .stream:
                    guard case .stream(let stream) = database.table[value: entry] else { break }
                    for command in stream.rebuildingCommands(key: key) {
                        header(UInt8(ascii: "*"), command.count)
                        for word in command { bulk(word) }
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
