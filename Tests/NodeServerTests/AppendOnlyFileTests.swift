import Foundation
import Testing
import TestSupport

/// The AOF across the engine and real redis-server 7.0.15: a restart with
/// appendonly yes keeps the dataset, SIGKILL under appendfsync always loses
/// no acknowledged write, each server loads the other's appendonlydir with
/// the same DEBUG DIGEST, redis-check-aof accepts the engine's files, a
/// truncated tail is cut or refused, rewrites and CONFIG SET appendonly.
@Suite struct AppendOnlyFileTests {
    /// Every type in both encodings, TTLs absolute and relative (logged as
    /// absolute times), a float increment (logged as its result), two
    /// databases, a transaction.
    static let dataset = Datasets.everyType + [
        ["SET", "ttl", "x", "PXAT", "4000000000000"], ["HSET", "ttlhash", "f", "v"], ["PEXPIREAT", "ttlhash", "4100000000000"],
        ["SET", "relativettl", "x", "EX", "1000000"], ["SETEX", "setex", "1000000", "v"], ["RPUSH", "ttllist", "a"],
        ["EXPIRE", "ttllist", "2000000"], ["INCRBYFLOAT", "float", "1.1"], ["INCRBYFLOAT", "float", "2.2"],
        ["MULTI"], ["INCR", "counter"], ["LPUSH", "list", "z"], ["EXEC"],
        ["DEL", "n"], ["APPEND", "s", " world"], ["SREM", "words", "w3"],
    ] + Datasets.otherDatabase

    private static let debug = ["--enable-debug-command", "yes"]
    private static let appendOnly = ["--appendonly", "yes"]

    private func fill(_ node: RedisServerProcess, _ commands: [[String]] = dataset) throws {
        let connection = try RawRESPConnection(port: node.port)
        for command in commands { _ = try connection.command(command) }
    }

    private func reply(_ node: RedisServerProcess, _ command: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port).command(command), as: UTF8.self)
    }

    private func log(_ node: RedisServerProcess) throws -> String {
        try String(contentsOf: node.directory.appendingPathComponent("redis.log"), encoding: .utf8)
    }

    private func aofDirectory(_ node: RedisServerProcess) -> URL { node.directory.appendingPathComponent("appendonlydir") }

    private func manifest(_ node: RedisServerProcess) throws -> String {
        try String(contentsOf: aofDirectory(node).appendingPathComponent("appendonly.aof.manifest"), encoding: .utf8)
    }

    private func restart(_ node: RedisServerProcess, adding: [String] = []) async throws {
        try node.start(adding: adding)
        try await node.waitUntilReady()
    }

    /// Waits until no rewrite runs or waits to run, and `rewrites` have been done.
    private func waitForRewrite(_ node: RedisServerProcess, rewrites: Int) async throws {
        var info = ""
        for _ in 0..<200 {
            info = try reply(node, ["INFO", "persistence"])
            if info.contains("aof_rewrite_in_progress:0\r\n") && info.contains("aof_rewrite_scheduled:0\r\n")
                && info.contains("aof_rewrites:\(rewrites)\r\n") { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("no rewrite ended: \(info)")
    }

    private func checkAOF(_ node: RedisServerProcess) async throws -> ProcessResult {
        try await ProcessRunner.run("redis-check-aof", [aofDirectory(node).appendingPathComponent("appendonly.aof.manifest").path])
    }

    /// Moves `from`'s appendonlydir to `into` (both stopped).
    private func moveAOF(from: RedisServerProcess, into: RedisServerProcess) throws {
        try? FileManager.default.removeItem(at: aofDirectory(into))
        try FileManager.default.copyItem(at: aofDirectory(from), to: aofDirectory(into))
    }

    // MARK: Restarts

    @Test func aRestartKeepsEveryKeyWhetherStoppedOrKilled() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug + Self.appendOnly, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        #expect(try manifest(engine) == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        try fill(engine)
        let digest = try reply(engine, ["DEBUG", "DIGEST"])
        // A relative TTL, logged as its absolute time, is still there with what was left of it.
        _ = try reply(engine, ["SET", "relative", "x", "EX", "100000"])
        _ = try? RawRESPConnection(port: engine.port).command(["SHUTDOWN", "NOSAVE"])
        #expect(engine.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: engine.directory.appendingPathComponent("dump.rdb").path))
        try await restart(engine)
        #expect(try reply(engine, ["DEBUG", "DIGEST-VALUE", "s", "list", "bighash", "bigz", "ttlhash"]) != "")
        let ttl = Int(try reply(engine, ["TTL", "relative"]).dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(ttl > 99_000 && ttl <= 100_000)
        _ = try reply(engine, ["DEL", "relative"])
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)
        #expect(try reply(engine, ["PEXPIRETIME", "ttlhash"]) == ":4100000000000\r\n")
        #expect(try log(engine).contains("DB loaded from append only file: "))

        // SIGKILL: what was written before the reply is there (everysec writes before replies too).
        _ = try reply(engine, ["SET", "beforeKill", "1"])
        engine.kill()
        try await restart(engine)
        #expect(try reply(engine, ["GET", "beforeKill"]) == "$1\r\n1\r\n")
        _ = try reply(engine, ["DEL", "beforeKill"])
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)
    }

    /// Writers on four connections count the writes acknowledged; the node is
    /// SIGKILLed mid-stream; after the restart every acknowledged key is there.
    @Test func sigkillUnderAppendfsyncAlwaysLosesNoAcknowledgedWrite() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.appendOnly + ["--appendfsync", "always"], server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let acknowledged = AckCounter(writers: 4)
        let finished = DispatchGroup()
        for writer in 0..<4 {
            finished.enter()
            Thread.detachNewThread { [port = engine.port] in
                defer { finished.leave() }
                guard let connection = try? RawRESPConnection(port: port, timeoutSeconds: 5) else { return }
                var index = 0
                while let reply = try? connection.command(["SET", "w\(writer):\(index)", "\(index)"]), reply == Array("+OK\r\n".utf8) {
                    acknowledged.set(writer, index + 1)
                    index += 1
                }
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        engine.kill()
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                finished.wait()
                continuation.resume()
            }
        }
        let counts = acknowledged.counts
        #expect(counts.allSatisfy { $0 > 10 }, "\(counts)")
        try await restart(engine)
        let connection = try RawRESPConnection(port: engine.port)
        for (writer, count) in counts.enumerated() {
            for start in stride(from: 0, to: count, by: 500) {
                let keys = (start..<min(count, start + 500)).map { "w\(writer):\($0)" }
                #expect(try connection.command(["EXISTS"] + keys) == Array(":\(keys.count)\r\n".utf8), "writer \(writer), keys \(start)...")
            }
        }
    }

    // MARK: Across the engine and redis-server

    @Test(arguments: [true, false])
    func redisServerLoadsTheEnginesAOFWithTheSameDigest(rdbPreamble: Bool) async throws {
        let options = Self.debug + Self.appendOnly + ["--aof-use-rdb-preamble", rdbPreamble ? "yes" : "no", "--aof-timestamp-enabled", "yes"]
        let engine = try RedisServerProcess(cluster: false, extraArguments: options, server: .engine)
        let reference = try RedisServerProcess(cluster: false, extraArguments: options, server: .redis70)
        defer { [reference, engine].forEach { $0.kill(); $0.removeFiles() } }
        try await engine.waitUntilReady()
        try fill(engine, Array(Self.dataset.prefix(12)))
        #expect(try reply(engine, ["BGREWRITEAOF"]) == "+Background append only file rewriting started\r\n")
        try await waitForRewrite(engine, rewrites: 1)
        try fill(engine, Array(Self.dataset.dropFirst(12)))
        let digest = try reply(engine, ["DEBUG", "DIGEST"])
        #expect(try manifest(engine) == "file appendonly.aof.2.base.\(rdbPreamble ? "rdb" : "aof") seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        let check = try await checkAOF(engine)
        #expect(check.exitCode == 0 && check.stdout.contains("All AOF files and manifest are valid"), "\(check.stdout)\(check.stderr)")
        engine.stop()
        reference.stop()
        try moveAOF(from: engine, into: reference)
        try await restart(reference)
        #expect(try reply(reference, ["DEBUG", "DIGEST"]) == digest)
        #expect(try log(reference).contains("DB loaded from incr file appendonly.aof.2.incr.aof"))
    }

    @Test(arguments: [true, false])
    func theEngineLoadsRedisServersAOFWithTheSameDigest(rdbPreamble: Bool) async throws {
        let options = Self.debug + Self.appendOnly + ["--aof-use-rdb-preamble", rdbPreamble ? "yes" : "no", "--aof-timestamp-enabled", "yes"]
        let reference = try RedisServerProcess(cluster: false, extraArguments: options, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, extraArguments: options, server: .engine)
        defer { [reference, engine].forEach { $0.kill(); $0.removeFiles() } }
        try await reference.waitUntilReady()
        try fill(reference, Array(Self.dataset.prefix(12)))
        #expect(try reply(reference, ["BGREWRITEAOF"]) == "+Background append only file rewriting started\r\n")
        try await waitForRewrite(reference, rewrites: 1)
        // Relative times too: redis-server logs them as absolute ones.
        try fill(reference, Array(Self.dataset.dropFirst(12)) + [["SET", "ex", "v", "EX", "100000"], ["EXPIRE", "hash", "200000"]])
        let digest = try reply(reference, ["DEBUG", "DIGEST"])
        reference.stop()
        engine.stop()
        try moveAOF(from: reference, into: engine)
        try await restart(engine)
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)
        #expect(try reply(engine, ["OBJECT", "ENCODING", "bigz"]) == "$8\r\nskiplist\r\n")
        // And it goes on appending to redis-server's incr file.
        _ = try reply(engine, ["SET", "fromEngine", "1"])
        #expect(try manifest(engine) == "file appendonly.aof.2.base.\(rdbPreamble ? "rdb" : "aof") seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        let check = try await checkAOF(engine)
        #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
    }

    // MARK: Damage

    @Test func aTruncatedLastCommandIsCutOrRefusedAsAofLoadTruncatedSays() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.appendOnly, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        _ = try reply(engine, ["SET", "a", "1"])
        _ = try reply(engine, ["SET", "b", "2"])
        engine.stop()
        let incr = aofDirectory(engine).appendingPathComponent("appendonly.aof.1.incr.aof")
        let whole = try Data(contentsOf: incr)
        try (whole + Data("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1".utf8)).write(to: incr)

        try engine.start(adding: ["--aof-load-truncated", "no"])
        #expect(engine.waitForExit() == 1)
        #expect(try log(engine).contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."))
        #expect(try Data(contentsOf: incr).count == whole.count + 22, "refused, the file is left as it was")
        try await restart(engine)
        #expect(try reply(engine, ["MGET", "a", "b", "c"]) == "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n")
        #expect(try Data(contentsOf: incr) == whole)
        let text = try log(engine)
        #expect(text.contains("# !!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"), "\(text)")
        #expect(text.contains("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset \(whole.count) !!!"))
        #expect(text.contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"))
        let check = try await checkAOF(engine)
        #expect(check.exitCode == 0, "\(check.stdout)")
    }

    @Test func aDamagedMiddleStopsTheStartNamingTheFileAndTheByte() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.appendOnly, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        _ = try reply(engine, ["SET", "a", "1"])
        _ = try reply(engine, ["SET", "b", "2"])
        engine.stop()
        let incr = aofDirectory(engine).appendingPathComponent("appendonly.aof.1.incr.aof")
        var bytes = [UInt8](try Data(contentsOf: incr))
        let second = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n".utf8.count
        bytes[second] = UInt8(ascii: "!")
        try Data(bytes).write(to: incr)
        try engine.start()
        #expect(engine.waitForExit() == 1)
        let text = try log(engine)
        #expect(text.contains("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"), "\(text)")
        #expect(text.contains("The command that starts at byte \(second) of appendonlydir/appendonly.aof.1.incr.aof is not in the AOF's format"))
    }

    // MARK: Rewrites and switching

    @Test func bgrewriteaofThenARestartKeepsTheDataset() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug + Self.appendOnly + ["--aof-timestamp-enabled", "yes"], server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        try fill(engine)
        #expect(try reply(engine, ["BGREWRITEAOF"]) == "+Background append only file rewriting started\r\n")
        try await waitForRewrite(engine, rewrites: 1)
        _ = try reply(engine, ["SET", "after", "rewrite"])
        #expect(try reply(engine, ["BGREWRITEAOF"]) == "+Background append only file rewriting started\r\n")
        try await waitForRewrite(engine, rewrites: 2)
        // History files go in the background (7.0's bio thread does it too): a moment under load.
        let wanted = ["appendonly.aof.3.base.rdb", "appendonly.aof.3.incr.aof", "appendonly.aof.manifest"]
        var files: [String] = []
        for _ in 0..<100 {
            files = try FileManager.default.contentsOfDirectory(atPath: aofDirectory(engine).path).sorted()
            if files == wanted { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(files == wanted)
        let info = try reply(engine, ["INFO", "persistence"])
        #expect(info.contains("aof_last_bgrewrite_status:ok\r\n") && info.contains("aof_rewrites:2\r\n"), "\(info)")
        let check = try await checkAOF(engine)
        #expect(check.exitCode == 0, "\(check.stdout)")
        let digest = try reply(engine, ["DEBUG", "DIGEST"])
        engine.kill()
        try await restart(engine)
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)
        #expect(try log(engine).contains("Background AOF rewrite finished successfully"))
    }

    @Test func configSetAppendonlyTurnsItOnWithARewriteAndOff() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        try fill(engine)
        #expect(try reply(engine, ["CONFIG", "SET", "appendonly", "yes"]) == "+OK\r\n")
        try await waitForRewrite(engine, rewrites: 1)
        _ = try reply(engine, ["SET", "on", "1"])
        #expect(try manifest(engine) == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        let digest = try reply(engine, ["DEBUG", "DIGEST"])
        #expect(try reply(engine, ["CONFIG", "SET", "appendonly", "no"]) == "+OK\r\n")
        _ = try reply(engine, ["SET", "off", "1"])
        #expect(try reply(engine, ["INFO", "persistence"]).contains("aof_enabled:0\r\n"))
        engine.kill()
        // Started with appendonly yes, it reads what the AOF held when turned off.
        try await restart(engine, adding: Self.appendOnly)
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)
        #expect(try log(engine).contains("Background AOF rewrite finished successfully"))
    }

    @Test func anOldSingleFileAOFIsMovedIntoTheDirectory() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        engine.stop()
        try Data("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n".utf8)
            .write(to: engine.directory.appendingPathComponent("appendonly.aof"))
        try await restart(engine, adding: Self.appendOnly)
        #expect(try reply(engine, ["GET", "old"]) == "$5\r\nstyle\r\n")
        #expect(try log(engine).contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir)."))
        #expect(!FileManager.default.fileExists(atPath: engine.directory.appendingPathComponent("appendonly.aof").path))
        #expect(try manifest(engine) == "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        _ = try reply(engine, ["SET", "new", "1"])
        // redis-server 7.0.15 reads the directory so made.
        let reference = try RedisServerProcess(cluster: false, extraArguments: Self.appendOnly, server: .redis70)
        defer { reference.kill(); reference.removeFiles() }
        try await reference.waitUntilReady()
        reference.stop()
        engine.stop()
        try moveAOF(from: engine, into: reference)
        try await restart(reference)
        #expect(try reply(reference, ["MGET", "old", "new"]) == "*2\r\n$5\r\nstyle\r\n$1\r\n1\r\n")
    }

    // MARK: Replicas

    /// A full sync replaces the dataset: the replica's AOF stops, then starts
    /// again from a rewrite of what the master sent (restartAOFAfterSYNC), so
    /// a restart brings back the master's keys and not its own old ones.
    @Test func aReplicasAOFHoldsItsMastersDatasetAfterAFullSync() async throws {
        let master = try RedisServerProcess(cluster: false, extraArguments: Self.debug + ["--repl-diskless-sync-delay", "0"], server: .redis70)
        let replica = try RedisServerProcess(cluster: false, extraArguments: Self.debug + Self.appendOnly, server: .engine)
        defer { [master, replica].forEach { $0.kill(); $0.removeFiles() } }
        try await master.waitUntilReady()
        try await replica.waitUntilReady()
        try fill(master)
        _ = try reply(replica, ["SET", "stale", "1"])
        _ = try reply(replica, ["REPLICAOF", "127.0.0.1", "\(master.port)"])
        for _ in 0..<200 where !(try reply(replica, ["INFO", "replication"])).contains("master_link_status:up") {
            try await Task.sleep(for: .milliseconds(25))
        }
        _ = try reply(master, ["SET", "streamed", "1"])
        #expect(try reply(master, ["WAIT", "1", "5000"]) == ":1\r\n")
        try await waitForRewrite(replica, rewrites: 1)
        let digest = try reply(master, ["DEBUG", "DIGEST"])
        #expect(try reply(replica, ["DEBUG", "DIGEST"]) == digest)
        _ = try? RawRESPConnection(port: replica.port).command(["SHUTDOWN", "NOSAVE"])
        #expect(replica.waitForExit() == 0)
        try await restart(replica)  // a master now: the REPLICAOF was not saved
        #expect(try reply(replica, ["DEBUG", "DIGEST"]) == digest)
        #expect(try reply(replica, ["EXISTS", "stale"]) == ":0\r\n")
    }

    // MARK: Cluster mode

    @Test func aClusterNodeRestartedWithAppendonlyKeepsItsKeysAndNodesConf() async throws {
        let node = try RedisServerProcess(cluster: true, extraArguments: Self.appendOnly, server: .engine)
        defer { node.kill(); node.removeFiles() }
        try await node.waitUntilReady()
        _ = try reply(node, ["CLUSTER", "ADDSLOTSRANGE", "0", "16383"])
        for _ in 0..<200 where !(try reply(node, ["CLUSTER", "INFO"])).contains("cluster_state:ok") {
            try await Task.sleep(for: .milliseconds(50))
        }
        let connection = try RawRESPConnection(port: node.port)
        let keys = (0..<300).map { "key:\($0)" }
        for key in keys {
            #expect(try connection.command(["SET", key, "v-\(key)"]) == Array("+OK\r\n".utf8))
        }
        _ = try connection.command(["RPUSH", "{key:1}list", "a", "b"])
        let nodesConf = node.directory.appendingPathComponent("nodes.conf")
        let before = try String(contentsOf: nodesConf, encoding: .utf8)
        _ = try? RawRESPConnection(port: node.port).command(["SHUTDOWN", "NOSAVE"])
        #expect(node.waitForExit() == 0)
        try await restart(node)
        for _ in 0..<200 where !(try reply(node, ["CLUSTER", "INFO"])).contains("cluster_state:ok") {
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = try RawRESPConnection(port: node.port)
        #expect(try after.command(["DBSIZE"]) == Array(":301\r\n".utf8))
        for key in keys.prefix(50) {
            #expect(try after.command(["GET", key]) == Array("$\(2 + key.utf8.count)\r\nv-\(key)\r\n".utf8))
        }
        #expect(try after.command(["LRANGE", "{key:1}list", "0", "-1"]) == Array("*2\r\n$1\r\na\r\n$1\r\nb\r\n".utf8))
        let restarted = try String(contentsOf: nodesConf, encoding: .utf8)
        func layout(_ text: String) -> [String] {
            text.split(separator: "\n").map { line in
                let fields = line.split(separator: " ")
                // The node's ID, address, flags, master and slots; not the ping times and epochs.
                return fields.count > 8 ? ([fields[0], fields[1], fields[2], fields[3]] + fields[8...]).joined(separator: " ") : String(fields.first ?? "")
            }
        }
        #expect(layout(restarted) == layout(before), "\(before)\n---\n\(restarted)")
    }

    /// The acceptance: every node of a 3+3 engine cluster with appendonly
    /// yes (and no RDB save points) restarted: each node's keys, the
    /// cluster's layout and the real redis-cli's check are back.
    @Test func everyNodeOfAnAppendOnlyClusterRestartsWithItsKeysAndTheLayout() async throws {
        let arguments = Self.appendOnly + Self.debug + ["--repl-diskless-sync-delay", "0"]
        try await RedisTestCluster.withNodes(6, extraArguments: arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 3000)
            for node in cluster.nodes {
                for _ in 0..<200 where try reply(node, ["INFO", "replication"]).contains("master_link_status:down") {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            func state() async throws -> [Int: String] {
                var result: [Int: String] = [:]
                for node in cluster.nodes { result[node.port] = try reply(node, ["DEBUG", "DIGEST"]) + reply(node, ["DBSIZE"]) }
                return result
            }
            let layout = try await cluster.layout()
            let before = try await state()
            #expect(try await cluster.countKeys() == 3000)
            for node in cluster.nodes {
                node.stop()
            }
            for node in cluster.nodes { try await restart(node) }
            try await cluster.waitUntilConverged()
            let restarted = try await cluster.layout()
            #expect(restarted.masters.map(\.id).sorted() == layout.masters.map(\.id).sorted())
            #expect(restarted.masters.map { "\($0.id) \($0.slotTokens)" }.sorted() == layout.masters.map { "\($0.id) \($0.slotTokens)" }.sorted())
            #expect(restarted.replicas.map { "\($0.id) \($0.masterID ?? "")" }.sorted() == layout.replicas.map { "\($0.id) \($0.masterID ?? "")" }.sorted())
            #expect(try await cluster.countKeys() == 3000)
            #expect(try await state() == before)
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[0])"])
            #expect(check.exitCode == 0, "\(check.stdout)")
            #expect(check.stdout.contains("[OK] All 16384 slots covered."))
        }
    }
}

/// The writes each writer saw acknowledged.
final class AckCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]

    init(writers: Int) { values = Array(repeating: 0, count: writers) }

    func set(_ writer: Int, _ count: Int) { lock.withLock { values[writer] = count } }
    var counts: [Int] { lock.withLock { values } }
}
