import RDB

/// dump.rdb where `dir` and `dbfilename` say: the server owns files, the
/// engine only makes and takes the bytes.
public protocol SnapshotStore: AnyObject {
    /// `done` receives nil, or why the write failed, on the engine's thread.
    func write(_ snapshot: [UInt8], inBackground: Bool, done: @escaping (String?) -> Void)
    /// The file's bytes; nil when there is none.
    func read() throws -> [UInt8]?
}

/// What rdbSave and the save points keep between saves.
struct PersistenceState {
    /// A BGSAVE underway: which one, when it started, and `dirty` then.
    var background: (id: Int, startedAt: Int64, dirtyAtStart: Int64)?
    var nextBackgroundID = 1
    var lastBackgroundSaveOK = true
    var lastBackgroundSaveSeconds: Int64 = -1
    /// When a save was last tried, so a failing disk is retried every 5 s, not every tick.
    var lastAttempt: Int64 = 0
    var saves = 0
    /// BGSAVE SCHEDULE while one ran: the cron starts it once that one ends.
    var scheduled = false
}

extension NodeEngine {
    /// Loads an RDB file into the keyspace (at start, DEBUG RELOAD); returns
    /// the keys loaded, and those dropped because they had expired, as a
    /// master does (a replica keeps them for its master's DELs: `keepingExpired`).
    /// `replacing`: a key already there gives way (MERGE).
    public func loadRDB(_ bytes: [UInt8], replacing: Bool = false, keepingExpired: Bool = false) throws(RDBFileReader.Failure) -> (loaded: Int, expired: Int) {
        let result = try loadRDBFile(bytes, replacing: replacing, keepingExpired: keepingExpired)
        return (result.loaded, result.expired)
    }

    /// loadRDB, and the RDB's length (an AOF may go on after it). An AOF's
    /// base keeps expired keys and says nothing of replication.
    func loadRDBFile(_ bytes: [UInt8], replacing: Bool = false, keepingExpired: Bool = false,
                     restoresReplication: Bool = true) throws(RDBFileReader.Failure) -> (loaded: Int, expired: Int, length: Int) {
        now = clock.milliseconds()
        var loaded = 0, expired = 0
        let library = { [self] (payload: [UInt8]) -> String? in
            // rdbFunctionLoad: no timeout; a library already there gives way only on MERGE (RDBFLAGS_ALLOW_DUP).
            switch createLibrary(payload, replace: replacing, timeoutMilliseconds: 0) {
            case .success: return nil
            case .failure(let error): return error.message
            }
        }
        let (aux, length) = try RDBFileReader.readPrefix(bytes, library: library) { entry in
            guard entry.database < databases.count else {
                return "a key in database \(entry.database), and this server has \(databases.count) databases (the databases directive)"
            }
            if !keepingExpired, let expireAt = entry.expireAt, expireAt < now {
                expired += 1
                return nil
            }
            let database = databases[entry.database]
            if replacing { _ = delete(entry.database, entry.key) }
            guard database.table.find(entry.key) == nil else {
                return "the key '\(String(decoding: entry.key, as: UTF8.self))' appears twice in database \(entry.database)"
            }
            let value: Value
            do {
                value = try Value(rdb: entry.value, limits: encodingLimits, seed: hashSeed, random: &random)
            } catch {
                return "the key '\(String(decoding: entry.key, as: UTF8.self))' holds a damaged value: \(error)"
            }
            database.table.insert(entry.key, value, stamp: newKeyStamp)
            if let expireAt = entry.expireAt { database.setExpire(entry.key, at: expireAt) }
            loaded += 1
            return nil
        }
        if restoresReplication { replication.savedReplication = Self.replicationInfo(inAux: aux) }
        return (loaded, expired, length)
    }

    /// SAVE: the snapshot written before the reply. nil, or why it failed.
    func saveSynchronously() -> String? {
        guard let snapshotStore else { return "this engine has no file to save to" }
        let dirtyAtStart = dirty
        var failure: String?
        persistence.lastAttempt = now
        snapshotStore.write(rdbSnapshot(replication: snapshotReplicationInfo), inBackground: false) { failure = $0 }
        if let failure {
            log(.warning, "Failed opening the RDB file \(config["dbfilename"]) (in server root dir \(workingDirectory)) for saving: \(failure)")
            return failure
        }
        log(.notice, "DB saved on disk")
        savedDataset(dirtyAtStart: dirtyAtStart)
        return nil
    }

    /// BGSAVE: the snapshot is taken now, on the engine's thread (no fork
    /// here), and written to disk off it.
    func startBackgroundSave() {
        guard let snapshotStore, persistence.background == nil else { return }
        let id = persistence.nextBackgroundID
        persistence.nextBackgroundID += 1
        persistence.background = (id, now, dirty)
        persistence.lastAttempt = now
        log(.notice, "Background saving started")
        snapshotStore.write(rdbSnapshot(replication: snapshotReplicationInfo), inBackground: true) { [self] failure in
            now = clock.milliseconds()
            // FLUSHALL dropped it (redis-server kills its child then).
            guard let (current, startedAt, dirtyAtStart) = persistence.background, current == id else { return }
            persistence.background = nil
            persistence.lastBackgroundSaveSeconds = (now - startedAt) / 1000
            persistence.lastBackgroundSaveOK = failure == nil
            if let failure {
                log(.warning, "Background saving error: \(failure)")
                return
            }
            log(.notice, "Background saving terminated with success")
            savedDataset(dirtyAtStart: dirtyAtStart)
        }
    }

    private func savedDataset(dirtyAtStart: Int64) {
        dirty = max(0, dirty - dirtyAtStart)
        lastSave = now
        persistence.saves += 1
    }

    /// FLUSHALL with save points set saves the empty dataset at once, over
    /// any BGSAVE underway (the writer keeps writes in order, so the older
    /// snapshot cannot land after it).
    func savedAfterFlushAll() {
        guard !savePoints.isEmpty else { return }
        persistence.background = nil
        _ = saveSynchronously()
    }

    /// The `save` directive's points ("3600 1 300 100"): after S seconds
    /// with at least N changes, a BGSAVE. Called by the cron.
    func checkSavePoints() {
        guard !backgroundWriteUnderway, snapshotStore != nil else { return }
        if persistence.scheduled {
            persistence.scheduled = false
            return startBackgroundSave()
        }
        guard dirty > 0 else { return }
        if !persistence.lastBackgroundSaveOK && now - persistence.lastAttempt < 5000 { return }
        for (seconds, changes) in savePoints where dirty >= changes && now - lastSave > seconds * 1000 {
            log(.notice, "\(changes) changes in \(seconds) seconds. Saving...")
            startBackgroundSave()
            return
        }
    }

    var savePoints: [(seconds: Int64, changes: Int64)] {
        let numbers = config["save"].split(separator: " ").compactMap { Int64($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }

    /// What SIGTERM and SHUTDOWN do before exiting: save when save points
    /// are set (or SAVE asks), unless NOSAVE. False: the save failed, stay up.
    /// The AOF is written and fsynced first; `force`: exit even if that or the save fails.
    public func saveBeforeShutdown(save: Bool? = nil, force: Bool = false) -> Bool {
        now = clock.milliseconds()
        guard prepareAppendOnlyForShutdown(force: force) else { return false }
        guard save ?? !savePoints.isEmpty else { return true }
        log(.notice, "Saving the final RDB snapshot before exiting.")
        if let failure = saveSynchronously() {
            log(.warning, "Error trying to save the DB, can't exit. (\(failure))")
            return false
        }
        return true
    }
}

extension DebugCommand {
    /// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load it back.
    static func debugReload(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var flush = true, save = true, merge = false
        for index in 2..<max(2, a.count) {
            if a.isWord(index, "merge") { merge = true } else if a.isWord(index, "noflush") { flush = false }
            else if a.isWord(index, "nosave") { save = false }
            else { return e.fail(c, "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.") }
        }
        if save, e.saveSynchronously() != nil { return e.fail(c, "ERR") }
        let bytes: [UInt8]
        do {
            guard let file = try e.snapshotStore?.read() else { return e.fail(c, "ERR Error trying to load the RDB dump") }
            bytes = file
        } catch {
            e.log(.warning, "Fatal error loading the DB: \(error)")
            return e.fail(c, "ERR Error trying to load the RDB dump")
        }
        // Emptying and loading back is not a change to save (redis-server's emptyData here counts nothing).
        let dirty = e.dirty
        defer { e.dirty = dirty }
        if flush {
            for db in e.databases.indices { e.flush(db) }
            e.flushFunctions()   // emptyData takes the libraries too
        }
        do {
            _ = try e.loadRDB(bytes, replacing: merge)
        } catch {
            // redis-server panics on a duplicate key; a client's command must not stop the node.
            e.log(.warning, "DEBUG RELOAD: \(error)")
            return e.fail(c, "ERR Error trying to load the RDB dump")
        }
        e.log(.warning, "DB reloaded by DEBUG RELOAD")
        c.reply.ok()
    }
}

extension ServerCommands {
    static func save(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.persistence.background != nil { return e.fail(c, "ERR Background save already in progress") }
        if e.saveSynchronously() != nil { return e.fail(c, "ERR") }
        c.reply.ok()
    }

    static func bgsave(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if a.count > 2 || (a.count == 2 && !a.isWord(1, "schedule")) { return e.fail(c, "ERR syntax error") }
        if e.persistence.background != nil {
            guard a.count == 2 else { return e.fail(c, "ERR Background save already in progress") }
            e.persistence.scheduled = true
            return c.reply.simple("Background saving scheduled")
        }
        if e.aof.rewrite != nil {
            guard a.count == 2 else {
                return e.fail(c, "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
            }
            e.persistence.scheduled = true
            return c.reply.simple("Background saving scheduled")
        }
        guard e.snapshotStore != nil else { return e.fail(c, "ERR this engine has no file to save to") }
        e.startBackgroundSave()
        c.reply.simple("Background saving started")
    }
}
