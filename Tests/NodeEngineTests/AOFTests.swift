import NIOCore
@testable import NodeEngine
import RDB
import Testing

/// The AOF's pure pieces (the manifest, the command reader) and the engine's
/// AOF on files held in memory: creation at start, writes, loading (a
/// truncated tail, an open MULTI, a damaged middle), rewrites, CONFIG SET
/// appendonly, on a clock the test moves.
@Suite struct AOFTests {
    // MARK: Manifest

    @Test func aManifestReadsAndPrintsAs70Does() throws {
        let text = """
        # a comment
        file appendonly.aof.2.base.rdb seq 2 type b
        FILE appendonly.aof.1.incr.aof TYPE h SEQ 1
        file appendonly.aof.2.incr.aof seq 2 type h
        file appendonly.aof.3.incr.aof seq 3 type i future value
        file appendonly.aof.4.incr.aof seq 4 type i\r

        """
        let manifest = try AOFManifest.parse(Array(text.utf8))
        #expect(manifest.base == .init(name: "appendonly.aof.2.base.rdb", sequence: 2, kind: .base))
        #expect(manifest.history.map(\.name) == ["appendonly.aof.1.incr.aof", "appendonly.aof.2.incr.aof"])
        #expect(manifest.incrementals.map(\.sequence) == [3, 4])
        #expect(manifest.baseSequence == 2 && manifest.incrementalSequence == 4)
        #expect(manifest.text == """
        file appendonly.aof.2.base.rdb seq 2 type b
        file appendonly.aof.1.incr.aof seq 1 type h
        file appendonly.aof.2.incr.aof seq 2 type h
        file appendonly.aof.3.incr.aof seq 3 type i
        file appendonly.aof.4.incr.aof seq 4 type i

        """)
    }

    @Test func aNameWithSpacesOrQuotesIsQuotedAndReadBack() throws {
        var manifest = AOFManifest()
        _ = manifest.newBase(fileName: "my \"aof\"", rdbPreamble: true)
        _ = manifest.newIncremental(fileName: "my \"aof\"")
        #expect(manifest.text == "file \"my \\\"aof\\\".1.base.rdb\" seq 1 type b\nfile \"my \\\"aof\\\".1.incr.aof\" seq 1 type i\n")
        let back = try AOFManifest.parse(Array(manifest.text.utf8))
        #expect(back.base?.name == "my \"aof\".1.base.rdb" && back.incrementals.first?.name == "my \"aof\".1.incr.aof")
    }

    @Test(arguments: [
        ("", nil, "Found an empty AOF manifest"),
        ("file a seq 1 type b", 1, "The AOF manifest file contains too long line"),  // no newline: 7.0's fgets test
        ("# only a comment\n   \n", 2, "Invalid AOF manifest file format"),
        ("file a seq 1 type\n", 1, "Invalid AOF manifest file format"),
        ("file a seq 1\n", 1, "Invalid AOF manifest file format"),
        ("file \"a seq 1 type b\n", 1, "Invalid AOF manifest file format"),
        ("file a seq x type b\n", 1, "Invalid AOF manifest file format"),
        ("file dir/a seq 1 type b\n", 1, "File can't be a path, just a filename"),
        ("file a seq 1 type b\nfile b seq 2 type b\n", 2, "Found duplicate base file information"),
        ("file a seq 2 type i\nfile b seq 2 type i\n", 2, "Found a non-monotonic sequence number"),
        ("file a seq 1 type x\n", 1, "Unknown AOF file type"),
        (String(repeating: "x", count: 1100) + "\n", 1, "The AOF manifest file contains too long line"),
    ] as [(String, Int?, String)])
    func aBadManifestIsRefusedWith70sReason(text: String, line: Int?, reason: String) {
        #expect(throws: AOFManifest.Failure.self) { try AOFManifest.parse(Array(text.utf8)) }
        do {
            _ = try AOFManifest.parse(Array(text.utf8))
        } catch {
            #expect(error.reason == reason)
            #expect(error.line == line)
        }
    }

    @Test func aRewriteMarksTheOldBaseAndIncrFilesAsHistory() {
        var manifest = AOFManifest()
        _ = manifest.newBase(fileName: "appendonly.aof", rdbPreamble: true)
        _ = manifest.newIncremental(fileName: "appendonly.aof")
        _ = manifest.newIncremental(fileName: "appendonly.aof")  // a failed rewrite's
        _ = manifest.newIncremental(fileName: "appendonly.aof")  // the one written now
        #expect(manifest.newBase(fileName: "appendonly.aof", rdbPreamble: false) == "appendonly.aof.2.base.aof")
        manifest.markRewrittenIncrementalsAsHistory(keepingLast: true)
        #expect(manifest.text == """
        file appendonly.aof.2.base.aof seq 2 type b
        file appendonly.aof.1.incr.aof seq 1 type h
        file appendonly.aof.2.incr.aof seq 2 type h
        file appendonly.aof.1.base.rdb seq 1 type h
        file appendonly.aof.3.incr.aof seq 3 type i

        """)
    }

    // MARK: Command reader

    private func steps(_ text: String) -> [String] {
        var reader = AOFCommandReader(ByteBuffer(string: text), from: 0)
        var out: [String] = []
        while true {
            switch reader.next() {
            case .command(let arguments): out.append((0..<arguments.count).map { arguments.string($0) }.joined(separator: " "))
            case .end: return out
            case .truncated(let offset): return out + ["truncated@\(offset)"]
            case .badFormat(let offset): return out + ["bad@\(offset)"]
            }
        }
    }

    @Test func theReaderTellsATruncatedTailFromADamagedMiddle() {
        let set = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
        #expect(steps("#TS:1700000000\r\n" + set + set) == ["SET k v", "SET k v"])
        #expect(steps(set + "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n") == ["SET k v", "truncated@27"])
        #expect(steps(set + "*3\r\n$3\r\nSE") == ["SET k v", "truncated@27"])
        #expect(steps(set + "*") == ["SET k v", "truncated@27"])
        #expect(steps(set + "+OK\r\n" + set) == ["SET k v", "bad@27"])
        #expect(steps(set + "*3\r\n$3\r\nSET\r\n:1\r\n") == ["SET k v", "bad@27"])
        #expect(steps("*0\r\n") == ["bad@0"])
        // A wrong length reads into the next line, which then is not a command.
        #expect(steps("*1\r\n$2\r\nSET\r\n" + set) == ["SE", "bad@12"])
    }

    // MARK: The engine on a store in memory

    @Test func aFirstStartCreatesBaseIncrAndManifestAndWritesGoToTheIncr() throws {
        let store = MemoryAOFStore()
        let node = try AOFNode(store)
        #expect(store.files.keys.sorted() == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"])
        #expect(store.text("appendonly.aof.manifest") == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        #expect(store.files["appendonly.aof.1.base.rdb"]?.starts(with: "REDIS0010".utf8) == true)
        node.run("SET", "k", "v")
        #expect(store.dataPendingCalls == 1)
        #expect(store.text("appendonly.aof.1.incr.aof") == "", "written at beforeSleep, not by the command")
        node.beforeSleep()
        #expect(store.text("appendonly.aof.1.incr.aof") == "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")
        #expect(store.syncs == 0 && store.backgroundSyncs == 0, "everysec: no fsync within the second of the last")
        node.clock.advance(milliseconds: 1000)
        node.engine.cron()
        #expect(store.syncs == 0 && store.backgroundSyncs == 1, "everysec: a background fsync a second later, with nothing new to write")
        node.run("MULTI")
        node.run("INCR", "n")
        node.run("SELECT", "2")
        node.run("SET", "x", "1")
        node.run("EXEC")
        node.beforeSleep()
        #expect(store.text("appendonly.aof.1.incr.aof").hasSuffix("*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n*1\r\n$4\r\nEXEC\r\n"))
        let info = node.run("INFO", "persistence")
        #expect(info.contains("aof_enabled:1\r\n") && info.contains("aof_current_size:\(store.files["appendonly.aof.1.incr.aof"]!.count)\r\n"), "\(info)")
        // As in 7.0, a base made at a first start is not counted until a rewrite or a restart.
    }

    @Test func alwaysFsyncsAtEveryWriteAndNoNever() throws {
        let store = MemoryAOFStore()
        let node = try AOFNode(store, ["--appendfsync", "always"])
        node.run("SET", "k", "v")
        #expect(node.engine.appendOnlyPending)
        node.beforeSleep()
        #expect(store.syncs == 1 && !node.engine.appendOnlyPending)
        node.run("CONFIG", "SET", "appendfsync", "no")
        node.run("SET", "k", "w")
        node.beforeSleep()
        #expect(store.syncs == 1 && store.backgroundSyncs == 0)
    }

    @Test func aRestartLoadsTheFilesWithoutFeedingThemBack() throws {
        let store = MemoryAOFStore()
        let first = try AOFNode(store)
        first.run("RPUSH", "list", "a", "b")
        first.run("HSET", "h", "f", "v")
        first.run("SET", "gone", "x", "PXAT", String(first.clock.now / 1000 + 500))
        first.run("SADD", "s", "1", "2")
        first.run("ZADD", "z", "1.5", "m")
        first.run("SET", "ttl", "x", "PXAT", "4000000000000")
        first.run("SELECT", "5")
        first.run("SET", "db5", "x")
        first.beforeSleep()
        let incr = store.files["appendonly.aof.1.incr.aof"]!
        first.clock.advance(milliseconds: 1000)
        let second = try AOFNode(store, clock: first.clock)
        #expect(second.run("EXISTS", "gone") == ":0\r\n", "loaded, then expired once loading ended")
        first.run("DEL", "gone")
        #expect(second.run("DEBUG", "DIGEST") == first.run("DEBUG", "DIGEST"))
        #expect(second.run("PEXPIRETIME", "ttl") == ":4000000000000\r\n")
        second.beforeSleep()
        // Loading wrote nothing; the lazy expiry's DEL afterwards did.
        #expect(store.files["appendonly.aof.1.incr.aof"]!.starts(with: incr))
        #expect(String(decoding: store.files["appendonly.aof.1.incr.aof"]!.dropFirst(incr.count), as: UTF8.self)
                == "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$4\r\ngone\r\n")
        #expect(second.log.contains { $0.hasPrefix("DB loaded from incr file appendonly.aof.1.incr.aof: ") })
    }

    @Test func aTruncatedLastCommandIsCutWhenAllowedAndRefusedOtherwise() throws {
        let store = MemoryAOFStore()
        let first = try AOFNode(store)
        first.run("SET", "a", "1")
        first.run("SET", "b", "2")
        first.beforeSleep()
        let whole = store.files["appendonly.aof.1.incr.aof"]!
        store.files["appendonly.aof.1.incr.aof"] = whole + Array("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1".utf8)

        #expect(throws: AOFNode.StartFailure.self) { try AOFNode(store, ["--aof-load-truncated", "no"]) }
        #expect(store.lastLog.contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."))

        let second = try AOFNode(store)
        #expect(second.run("MGET", "a", "b", "c") == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n")
        #expect(store.files["appendonly.aof.1.incr.aof"]! == whole)
        #expect(second.log.contains("!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"))
        #expect(second.log.contains("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset \(whole.count) !!!"))
        #expect(second.log.contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"))
    }

    @Test func anUnfinishedMultiAtTheEndIsDropped() throws {
        let store = MemoryAOFStore()
        let first = try AOFNode(store)
        first.run("SET", "a", "1")
        first.beforeSleep()
        let whole = store.files["appendonly.aof.1.incr.aof"]!
        store.files["appendonly.aof.1.incr.aof"] = whole + Array("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n".utf8)
        let second = try AOFNode(store)
        #expect(second.run("MGET", "a", "b") == "*2\r\n$1\r\n1\r\n$-1\r\n")
        #expect(second.log.contains("Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof"))
        #expect(store.files["appendonly.aof.1.incr.aof"]! == whole)
    }

    @Test func aDamagedMiddleStopsTheStartNamingTheFileAndTheByte() throws {
        let store = MemoryAOFStore()
        let first = try AOFNode(store)
        first.run("SET", "a", "1")
        first.run("SET", "b", "2")
        first.beforeSleep()
        var bytes = store.files["appendonly.aof.1.incr.aof"]!
        let second = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n".utf8.count
        bytes[second] = UInt8(ascii: "?")
        store.files["appendonly.aof.1.incr.aof"] = bytes
        #expect(throws: AOFNode.StartFailure.self) { try AOFNode(store) }
        #expect(store.lastLog.contains("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"))
        #expect(store.lastLog.contains("The command that starts at byte \(second) of appendonlydir/appendonly.aof.1.incr.aof is not in the AOF's format"))

        store.files["appendonly.aof.1.incr.aof"] = Array("*1\r\n$7\r\nNOTACMD\r\n".utf8)
        #expect(throws: AOFNode.StartFailure.self) { try AOFNode(store) }
        #expect(store.lastLog.contains("Unknown command 'NOTACMD' reading the append only file appendonly.aof.1.incr.aof"))

        store.files["appendonly.aof.manifest"] = Array("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.9.incr.aof seq 9 type i\n".utf8)
        #expect(throws: AOFNode.StartFailure.self) { try AOFNode(store) }
        #expect(store.lastLog.contains("Unable to obtain the AOF file appendonly.aof.9.incr.aof length. stat: No such file or directory"))
    }

    @Test func aRewriteTakesTheDatasetWhenTheNewIncrStarts() throws {
        let store = MemoryAOFStore()
        store.holdsBackgroundWrites = true
        let node = try AOFNode(store)
        node.run("SET", "before", "1")
        #expect(node.run("BGREWRITEAOF") == "+Background append only file rewriting started\r\n")
        #expect(node.run("BGREWRITEAOF") == "-ERR Background append only file rewriting already in progress\r\n")
        #expect(node.run("BGSAVE") == "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
        // Meanwhile the manifest names the new incr file after the old pair.
        #expect(store.text("appendonly.aof.manifest") == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        #expect(store.text("appendonly.aof.1.incr.aof").contains("before"))
        node.run("SET", "during", "2")
        node.beforeSleep()
        #expect(store.text("appendonly.aof.2.incr.aof") == "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$6\r\nduring\r\n$1\r\n2\r\n")
        #expect(node.run("INFO", "persistence").contains("aof_rewrite_in_progress:1\r\n"))
        store.finishBackgroundWrites()
        #expect(store.text("appendonly.aof.manifest") == "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        #expect(store.files.keys.sorted() == ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])
        #expect(store.temporary.isEmpty)
        let info = node.run("INFO", "persistence")
        #expect(info.contains("aof_rewrite_in_progress:0\r\n") && info.contains("aof_rewrites:1\r\n") && info.contains("aof_last_bgrewrite_status:ok\r\n"))
        // The new base has 'before' and not 'during'; together they make the dataset.
        let digest = node.run("DEBUG", "DIGEST")
        let restarted = try AOFNode(store, clock: node.clock)
        #expect(restarted.run("DEBUG", "DIGEST") == digest)
    }

    @Test func theCronRewritesOnGrowth() throws {
        let store = MemoryAOFStore()
        let node = try AOFNode(store, ["--auto-aof-rewrite-min-size", "1000", "--auto-aof-rewrite-percentage", "100"])
        for index in 0..<40 { node.run("SET", "key\(index)", String(repeating: "v", count: 20)) }
        node.beforeSleep()
        node.engine.cron()
        #expect(node.log.contains { $0.hasPrefix("Starting automatic rewriting of AOF on ") && $0.hasSuffix("% growth") }, "\(node.log)")
        #expect(store.text("appendonly.aof.manifest").hasPrefix("file appendonly.aof.2.base.rdb seq 2 type b\n"))
    }

    @Test func configSetAppendonlyStartsWithARewriteAndStops() throws {
        let store = MemoryAOFStore()
        store.holdsBackgroundWrites = true
        let node = try AOFNode(store, appendonly: false)
        #expect(store.files.isEmpty)
        node.run("SET", "before", "1")
        #expect(node.run("CONFIG", "SET", "appendonly", "yes") == "+OK\r\n")
        node.run("SET", "during", "2")
        node.beforeSleep()
        #expect(store.text("temp-appendonly.aof.incr").contains("during"))
        #expect(node.run("INFO", "persistence").contains("aof_enabled:1\r\n"))
        store.finishBackgroundWrites()
        #expect(store.text("appendonly.aof.manifest") == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        #expect(store.text("appendonly.aof.1.incr.aof").contains("during"))
        #expect(node.run("CONFIG", "SET", "appendonly", "no") == "+OK\r\n")
        node.run("SET", "off", "3")
        node.beforeSleep()
        #expect(!store.text("appendonly.aof.1.incr.aof").contains("off"))
        #expect(node.run("INFO", "persistence").contains("aof_enabled:0\r\n"))
        let restarted = try AOFNode(store, clock: node.clock)
        #expect(restarted.run("MGET", "before", "during", "off") == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n")
    }

    @Test func aBaseInCommandsAndTimestampAnnotationsLoadBack() throws {
        let store = MemoryAOFStore()
        let node = try AOFNode(store, ["--aof-use-rdb-preamble", "no", "--aof-timestamp-enabled", "yes"])
        node.run("RPUSH", "list", "a", "b")
        node.run("HSET", "h", "f", "v")
        node.run("SADD", "s", "1", "x")
        node.run("ZADD", "z", "0.1", "m", "3", "n")
        node.run("SET", "ttl", "x", "PXAT", "4000000000000")
        node.run("SELECT", "3")
        node.run("SET", "db3", "x")
        node.run("ZADD", "bigz", "1", "a", "2", "b", "3", "c")
        node.run("ZADD", "bigz", "4", "d")
        node.beforeSleep()
        #expect(store.text("appendonly.aof.1.incr.aof").hasPrefix("#TS:\(node.clock.now / 1_000_000)\r\n*2\r\n$6\r\nSELECT"))
        node.run("BGREWRITEAOF")
        let base = store.text("appendonly.aof.2.base.aof")
        #expect(base.hasPrefix("#TS:"))
        #expect(base.contains("$19\r\n0.10000000000000001\r\n$1\r\nm\r\n"), "\(base)")
        #expect(base.contains("*3\r\n$9\r\nPEXPIREAT\r\n$3\r\nttl\r\n$13\r\n4000000000000\r\n"))
        let digest = node.run("DEBUG", "DIGEST")
        let restarted = try AOFNode(store, clock: node.clock)
        #expect(restarted.run("DEBUG", "DIGEST") == digest)
    }

    @Test func anOldSingleFileAOFIsMovedIntoTheDirectory() throws {
        let store = MemoryAOFStore()
        store.directory = false
        store.legacy = Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n".utf8)
        let node = try AOFNode(store)
        #expect(node.run("GET", "old") == "$1\r\n1\r\n")
        #expect(store.legacy == nil)
        #expect(store.text("appendonly.aof.manifest") == "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        #expect(node.log.contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir)."))
    }

    @Test func aWriteFailureRefusesWritesUntilAWriteSucceeds() throws {
        let store = MemoryAOFStore()
        let node = try AOFNode(store)
        store.failsWrites = true
        node.run("SET", "k", "v")
        node.beforeSleep()
        #expect(node.run("SET", "k", "w") == "-MISCONF Errors writing to the AOF file: No space left on device\r\n")
        #expect(node.run("GET", "k") == "$1\r\nv\r\n")
        #expect(node.run("INFO", "persistence").contains("aof_last_write_status:err\r\n"))
        store.failsWrites = false
        node.clock.advance(milliseconds: 1000)
        node.engine.cron()
        #expect(node.run("SET", "k", "w") == "+OK\r\n")
        #expect(node.log.contains("AOF write error looks solved, Redis can write again."))
    }
}

/// A node whose AOF lives in a MemoryAOFStore, started as the server starts it.
final class AOFNode {
    struct StartFailure: Error {}
    let harness: EngineHarness
    var engine: NodeEngine { harness.engine }
    let clock: ManualClock
    let store: MemoryAOFStore
    var log: [String] = []

    init(_ store: MemoryAOFStore, _ directives: [String] = [], appendonly: Bool = true, clock: ManualClock? = nil) throws {
        harness = try EngineHarness(["--appendonly", appendonly ? "yes" : "no"] + directives)
        self.clock = harness.clock
        if let clock { self.clock.now = clock.now }
        self.store = store
        store.log = []
        engine.processID = 4242
        engine.appendOnlyStore = store
        engine.logger = { [weak self, weak store] _, line in
            self?.log.append(line)
            store?.log.append(line)
        }
        store.onDone = { [weak self] in self?.beforeSleep() }
        guard engine.loadAppendOnlyManifest(), engine.loadAppendOnlyDataset(), engine.openAppendOnlyOnStart() else { throw StartFailure() }
    }

    @discardableResult
    func run(_ words: String...) -> String { harness.run(words) }

    func beforeSleep() { engine.appendOnlyBeforeSleep() }
}

/// AppendOnlyStore on dictionaries; background work runs at once or, with
/// `holdsBackgroundWrites`, when the test says.
final class MemoryAOFStore: AppendOnlyStore {
    var directory = false
    var files: [String: [UInt8]] = [:]
    var temporary: [String: [UInt8]] = [:]
    var legacy: [UInt8]?
    var appending: String?
    var opened: String?
    var syncs = 0, backgroundSyncs = 0, dataPendingCalls = 0
    var failsWrites = false
    var holdsBackgroundWrites = false
    var heldWrites: [() -> Void] = []
    var log: [String] = []
    var lastLog: String { log.joined(separator: "\n") }
    var onDone: (() -> Void)?

    func text(_ name: String) -> String { String(decoding: files[name] ?? [], as: UTF8.self) }

    func directoryExists() -> Bool { directory }
    func createDirectory() -> String? { directory = true; return nil }
    func fileExists(_ name: String) -> Bool { files[name] != nil }
    func size(_ name: String) -> (size: Int64?, failure: String?, missing: Bool) {
        files[name].map { (Int64($0.count), nil, false) } ?? (nil, "No such file or directory", true)
    }
    func read(_ name: String) throws -> [UInt8]? { files[name] }
    func truncate(_ name: String, to length: Int64) -> String? {
        files[name] = Array(files[name]!.prefix(Int(length)))
        return nil
    }
    func writeManifest(_ text: String) -> String? {
        files["appendonly.aof.manifest"] = Array(text.utf8)
        return nil
    }
    func legacyFileExists() -> Bool { legacy != nil }
    func moveLegacyFileIntoDirectory() -> String? {
        files["appendonly.aof"] = legacy
        legacy = nil
        return nil
    }
    func openAppendFile(_ name: String, truncating: Bool) -> String? {
        if truncating || files[name] == nil { files[name] = [] }
        opened = name
        return nil
    }
    func commitAppendFile() {
        appending = opened
        opened = nil
    }
    func abandonAppendFile() { opened = nil }
    func closeAppendFile() { appending = nil }
    func append(_ bytes: UnsafeRawBufferPointer) -> (written: Int, failure: String?) {
        if failsWrites { return (-1, "No space left on device") }
        files[appending!]! += Array(bytes)
        return (bytes.count, nil)
    }
    func truncateAppendFile(to length: Int64) -> String? { truncate(appending!, to: length) }
    func sync() -> String? { syncs += 1; return nil }
    func syncInBackground() { backgroundSyncs += 1 }
    var backgroundSyncsPending: Int { 0 }
    var backgroundSyncFailure: String? { nil }
    func clearBackgroundSyncFailure() {}
    func writeTemporary(_ bytes: [UInt8], temporaryName: String, inBackground: Bool, done: @escaping (String?) -> Void) {
        let write = { [self] in
            temporary[temporaryName] = bytes
            done(nil)
        }
        if inBackground && holdsBackgroundWrites { heldWrites.append(write) } else { write() }
    }
    func finishBackgroundWrites() {
        let writes = heldWrites
        heldWrites = []
        writes.forEach { $0() }
        onDone?()
    }
    func moveTemporary(_ temporaryName: String, to name: String) -> String? {
        files[name] = temporary.removeValue(forKey: temporaryName)
        return nil
    }
    func rename(_ name: String, to newName: String) -> String? {
        files[newName] = files.removeValue(forKey: name)
        if appending == name { appending = newName }
        return nil
    }
    func remove(_ name: String) { files[name] = nil }
    func removeTemporary(_ temporaryName: String) { temporary[temporaryName] = nil }
    func dataPending() { dataPendingCalls += 1 }
}
