import NIOCore
import RDB

/// What loading one AOF file (or all of them) came to (AOF_OK & co).
public enum AOFLoadResult: Equatable, Sendable {
    case ok, notExist, empty, openError, failed, truncated
}

/// Loading the AOF at start as 7.0 does: the manifest, then the base file
/// (an RDB, or commands) and the incr files in order, each command applied
/// through its handler by a client of no connection (CLIENT_ID_AOF): no
/// reply, no propagation (the AOF is not fed while it is read), no expiry.
extension NodeEngine {
    /// aofLoadManifestFromDisk, whatever appendonly says (a later CONFIG SET
    /// appendonly yes goes on from its numbers). False: logged, the start stops.
    public func loadAppendOnlyManifest() -> Bool {
        aof.status = config.bool("appendonly") ? .on : .off
        aof.lastSync = clock.milliseconds() / 1000
        aof.manifest = AOFManifest()
        guard let store = appendOnlyStore, store.directoryExists() else {
            log(.debug, "The AOF directory \(aofDirectory) doesn't exist")
            return true
        }
        let name = AOFManifest.manifestName(aofFileName)
        guard store.fileExists(name) else {
            log(.debug, "The AOF manifest file \(name) doesn't exist")
            return true
        }
        let bytes: [UInt8]
        do {
            bytes = try store.read(name) ?? []
        } catch {
            log(.warning, "Fatal error: can't open the AOF manifest file \(aofDirectory)/\(name) for reading: \(error)")
            return false
        }
        do throws(AOFManifest.Failure) {
            aof.manifest = try AOFManifest.parse(bytes)
        } catch {
            for line in error.logLines { log(.warning, line) }
            return false
        }
        return true
    }

    /// loadDataFromDisk's AOF half (appendonly yes). False: logged, the start stops.
    public func loadAppendOnlyDataset() -> Bool {
        guard aof.status == .on else { return true }
        let started = clock.microseconds()
        let result = loadAppendOnlyFiles()
        if result == .failed || result == .openError { return false }
        if result != .notExist {
            log(.notice, "DB loaded from append only file: \(String(format3: Double(clock.microseconds() - started) / 1e6)) seconds")
        }
        return true
    }

    /// aofOpenIfNeededOnServerStart, then aofDelHistoryFiles: with no AOF
    /// yet, a base file (seq 1) of the dataset; the last incr file opened
    /// (or a new one); the manifest written. False: logged, the start stops.
    public func openAppendOnlyOnStart() -> Bool {
        guard aof.status == .on, let store = appendOnlyStore else {
            deleteHistoryFiles()
            return true
        }
        now = clock.milliseconds()
        if let failure = store.createDirectory() {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(failure)")
            return false
        }
        let hadIncrementals = !aof.manifest.incrementals.isEmpty
        if aof.manifest.base == nil && !hadIncrementals {
            let name = aof.manifest.newBase(fileName: aofFileName, rdbPreamble: config.bool("aof-use-rdb-preamble"))
            guard writeBaseNow(name) else { return false }
            log(.notice, "Creating AOF base file \(name) on server start")
        }
        let name = aof.manifest.lastIncremental(fileName: aofFileName)
        if let failure = store.openAppendFile(name, truncating: false) {
            log(.warning, "Can't open the append-only file \(name): \(failure)")
            return false
        }
        store.commitAppendFile()
        aof.fileOpen = true
        guard persistManifest(&aof.manifest) else { return false }
        aof.lastIncrementalSize = store.size(name).size ?? 0
        aof.lastIncrementalSyncOffset = aof.lastIncrementalSize
        aof.updateFeeding()
        log(.notice, hadIncrementals ? "Opening AOF incr file \(name) on server start" : "Creating AOF incr file \(name) on server start")
        deleteHistoryFiles()
        return true
    }

    /// rewriteAppendOnlyFile: a base file written before returning.
    private func writeBaseNow(_ name: String) -> Bool {
        guard let store = appendOnlyStore else { return false }
        let temporary = "temp-rewriteaof-\(processID).aof"
        var failure: String?
        store.writeTemporary(appendOnlyBase(), temporaryName: temporary, inBackground: false) { failure = $0 }
        if let failure {
            log(.warning, "Write error writing append only file on disk: \(failure)")
            store.removeTemporary(temporary)
            return false
        }
        if let failure = store.moveTemporary(temporary, to: name) {
            log(.warning, "Error moving temp append only file on the final destination: \(failure)")
            store.removeTemporary(temporary)
            return false
        }
        return true
    }

    /// loadAppendOnlyFiles: base, then incr files; a pre-7.0 single file
    /// beside them is moved into the directory first (aofUpgradePrepare).
    func loadAppendOnlyFiles() -> AOFLoadResult {
        guard let store = appendOnlyStore else { return .notExist }
        let manifest = aof.manifest
        if store.legacyFileExists() {
            let upgrade = !store.directoryExists() || (manifest.base == nil && manifest.incrementals.isEmpty)
                || (manifest.base != nil && manifest.incrementals.isEmpty && manifest.base!.name == aofFileName && !store.fileExists(aofFileName))
            if upgrade && !upgradePrepare() { return .failed }
        }
        let files = (aof.manifest.base.map { [$0] } ?? []) + aof.manifest.incrementals
        if files.isEmpty { return .notExist }
        var total: Int64 = 0
        var sizes: [Int64] = []
        for file in files {
            let (size, failure, missing) = store.size(file.name)
            guard let size else {
                log(.warning, "Unable to obtain the AOF file \(file.name) length. stat: \(failure ?? "")")
                // A file the manifest names but the disk lacks is fatal.
                return missing ? .failed : .openError
            }
            sizes.append(size)
            total += size
        }
        if total == 0 { return .empty }
        var result = AOFLoadResult.ok
        for (index, file) in files.enumerated() {
            let last = index == files.count - 1
            let started = clock.microseconds()
            result = loadSingleAppendOnlyFile(file.name)
            if result == .ok || (result == .truncated && last) {
                log(.notice, "DB loaded from \(file.kind == .base ? "base" : "incr") file \(file.name): \(String(format3: Double(clock.microseconds() - started) / 1e6)) seconds")
            }
            if file.kind == .incremental && result == .empty { result = .ok }
            if result == .truncated && !last {
                log(.warning, "Fatal error: the truncated file is not the last file")
                result = .failed
            }
            if result == .openError || result == .failed { return result }
        }
        aof.currentSize = total
        // As 7.0: the base's size stands for the size at the last rewrite's end.
        aof.rewriteBaseSize = aof.manifest.base != nil ? sizes[0] : 0
        return result
    }

    /// aofUpgradePrepare: appendfilename becomes the base of a new manifest
    /// and moves into the directory. False: logged.
    private func upgradePrepare() -> Bool {
        guard let store = appendOnlyStore else { return false }
        if let failure = store.createDirectory() {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(failure)")
            return false
        }
        aof.manifest.base = AOFManifest.File(name: aofFileName, sequence: 1, kind: .base)
        aof.manifest.baseSequence = 1
        aof.manifest.dirty = true
        guard persistManifest(&aof.manifest) else { return false }
        if let failure = store.moveLegacyFileIntoDirectory() {
            log(.warning, "Error trying to move the old AOF file \(aofFileName) into dir \(aofDirectory): \(failure)")
            return false
        }
        log(.notice, "Successfully migrated an old-style AOF file (\(aofFileName)) into the AOF directory (\(aofDirectory)).")
        return true
    }

    /// loadSingleAppendOnlyFile.
    func loadSingleAppendOnlyFile(_ name: String) -> AOFLoadResult {
        guard let store = appendOnlyStore else { return .notExist }
        let bytes: [UInt8]
        do {
            guard let file = try store.read(name) else {
                log(.warning, "The append log file \(name) doesn't exist: No such file or directory")
                return .notExist
            }
            bytes = file
        } catch {
            log(.warning, "Fatal error: can't open the append log file \(name) for reading: \(error)")
            return .openError
        }
        if bytes.isEmpty { return .empty }
        // Nothing read is fed back to the AOF, and no key expires meanwhile.
        let feeding = aof.isOn
        aof.isOn = false
        aof.loading = true
        defer {
            aof.isOn = feeding
            aof.loading = false
        }
        var start = 0
        if bytes.starts(with: "REDIS".utf8) {
            let oldStyle = name == aofFileName
            log(.notice, oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...")
            do throws(RDBFileReader.Failure) {
                let keys = try loadRDBFile(bytes, keepingExpired: true, restoresReplication: false)
                start = keys.length
                log(.notice, "Done loading RDB, keys loaded: \(keys.loaded), keys expired: \(keys.expired).")
            } catch {
                log(.warning, oldStyle ? "Error reading the RDB preamble of the AOF file \(name), AOF loading aborted"
                                       : "Error reading the RDB base file \(name), AOF loading aborted")
                log(.warning, "\(aofDirectory)/\(name): \(error)")
                return .failed
            }
            if oldStyle { log(.notice, "Reading the remaining AOF tail...") }
        }
        let truncatable = config.bool("aof-load-truncated")
        // What a truncation keeps: the last whole command (7.0 counts from 0,
        // which would also cut away an RDB preamble; the engine keeps it).
        var validUpTo = start
        var validBeforeMulti = start
        let client = ClientSession(id: Int64.max, address: "", localAddress: "", isLoopback: true, authenticated: true,
                                   now: now, maxBulkLength: Int.max)
        var reader = AOFCommandReader(ByteBuffer(bytes: bytes[start...]), from: 0)
        loop: while true {
            switch reader.next() {
            case .end:
                break loop
            case .truncated:
                return shortRead(name, validUpTo: validUpTo, truncatable: truncatable)
            case .badFormat(let offset):
                log(.warning, "Bad file format reading the append only file \(name): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>")
                log(.warning, "The command that starts at byte \(start + offset) of \(aofDirectory)/\(name) is not in the AOF's format")
                return .failed
            case .command(let arguments):
                guard let entry = commands.lookup(arguments) else {
                    log(.warning, "Unknown command '\(arguments.string(0))' reading the append only file \(name)")
                    return .failed
                }
                if entry.name == "multi" { validBeforeMulti = validUpTo }
                now = clock.milliseconds()
                if client.transaction != nil && entry.name != "exec" {
                    client.transaction!.append(arguments)
                } else {
                    // CLIENT_DENY_BLOCKING: a blocking command answers as if it timed out.
                    client.inExec = true
                    entry.handler(self, client, arguments)
                    client.inExec = false
                }
                client.reply.bytes.clear()
                if truncatable { validUpTo = start + reader.offset }
            }
        }
        if client.transaction != nil {
            log(.warning, "Revert incomplete MULTI/EXEC transaction in AOF file \(name)")
            return shortRead(name, validUpTo: validBeforeMulti, truncatable: truncatable)
        }
        return .ok
    }

    /// The file ends inside a command (or an open MULTI): cut it at the last
    /// whole one when aof-load-truncated allows, else refuse.
    private func shortRead(_ name: String, validUpTo: Int, truncatable: Bool) -> AOFLoadResult {
        if truncatable, let store = appendOnlyStore {
            log(.warning, "!!! Warning: short read while loading the AOF file \(name)!!!")
            log(.warning, "!!! Truncating the AOF \(name) at offset \(validUpTo) !!!")
            if let failure = store.truncate(name, to: Int64(validUpTo)) {
                log(.warning, "Error truncating the AOF file \(name): \(failure)")
            } else {
                log(.warning, "AOF \(name) loaded anyway because aof-load-truncated is enabled")
                return .truncated
            }
        }
        log(.warning, "Unexpected end of file reading the append only file \(name). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
        return .failed
    }
}

extension DebugCommand {
    /// DEBUG LOADAOF: the AOF written out, the dataset emptied and loaded back from it.
    static func debugLoadAOF(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        if e.aof.status != .off { e.flushAppendOnlyFile(force: true) }
        for db in e.databases.indices { e.flush(db) }
        guard e.loadAppendOnlyManifestKeepingStatus() else {
            e.onFatal?("DEBUG LOADAOF: the AOF manifest cannot be loaded")
            return
        }
        e.deleteHistoryFiles()
        let result = e.loadAppendOnlyFiles()
        if result != .ok && result != .empty { e.onFatal?("DEBUG LOADAOF: the AOF cannot be loaded") }
        // Loading it is no change to save or send.
        e.dirty = 0
        e.log(.warning, "Append Only File loaded by DEBUG LOADAOF")
        c.reply.ok()
    }
}

extension NodeEngine {
    /// The manifest read again (DEBUG LOADAOF), the AOF's state unchanged.
    func loadAppendOnlyManifestKeepingStatus() -> Bool {
        let status = aof.status, lastSync = aof.lastSync
        defer { aof.status = status; aof.lastSync = lastSync }
        return loadAppendOnlyManifest()
    }
}
