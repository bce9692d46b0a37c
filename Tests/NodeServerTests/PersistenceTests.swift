import Foundation
import Testing
import TestSupport

/// dump.rdb across the engine and real redis-server: files saved by one load
/// into the other with the same DEBUG DIGEST, a restart keeps the dataset,
/// save points save, and a damaged file stops the start with its byte.
@Suite struct PersistenceTests {
    /// Every type (Datasets), TTLs, keys in two databases.
    static let dataset = Datasets.everyType + [
        ["SET", "ttl", "x", "PX", "4000000000"], ["HSET", "ttlhash", "f", "v"], ["EXPIRE", "ttlhash", "100000"],
    ] + Datasets.otherDatabase

    private static let debug = ["--enable-debug-command", "yes"]

    private func fill(_ node: RedisServerProcess) throws {
        let connection = try RawRESPConnection(port: node.port)
        for command in Self.dataset { _ = try connection.command(command) }
    }

    private func reply(_ node: RedisServerProcess, _ command: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port).command(command), as: UTF8.self)
    }

    private func dumpPath(_ node: RedisServerProcess) -> String { node.directory.appendingPathComponent("dump.rdb").path }

    /// Puts `file` where `node` reads dump.rdb and restarts it (SIGTERM: with
    /// no save points it writes nothing on the way out).
    private func restart(_ node: RedisServerProcess, with file: String) async throws {
        node.stop()
        try? FileManager.default.removeItem(atPath: dumpPath(node))
        try FileManager.default.copyItem(atPath: file, toPath: dumpPath(node))
        try node.start()
        try await node.waitUntilReady()
    }

    /// The dataset into `saver`, SAVE, its file into `loader` at a restart:
    /// the same DEBUG DIGEST on both.
    private func saveAndLoad(from saver: RedisServerProcess, into loader: RedisServerProcess) async throws {
        try await saver.waitUntilReady()
        try await loader.waitUntilReady()
        try fill(saver)
        #expect(try reply(saver, ["SAVE"]) == "+OK\r\n")
        try await restart(loader, with: dumpPath(saver))
        #expect(try reply(loader, ["DEBUG", "DIGEST"]) == (try reply(saver, ["DEBUG", "DIGEST"])))
        // The digest covers a stream's entries; its groups come across too.
        for probe in [["XPENDING", "events", "workers"], ["XINFO", "GROUPS", "events"]] {
            let loaded = try reply(loader, probe), saved = try reply(saver, probe)
            if probe[1] == "GROUPS" && !saved.contains("entries-read") { continue }  // 6.2 has no 7.0 fields
            #expect(loaded == saved, "\(probe)")
        }
    }

    @Test(arguments: [TestServer.redis70, .redis62])
    func aRedisServerSaveLoadsIntoTheEngineWithTheSameDigest(server: TestServer) async throws {
        // 6.2 allows DEBUG without being asked (and knows no enable-debug-command).
        let reference = try RedisServerProcess(cluster: false, extraArguments: server == .redis62 ? [] : Self.debug, server: server)
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug, server: .engine)
        defer { [reference, engine].forEach { $0.kill(); $0.removeFiles() } }
        try await saveAndLoad(from: reference, into: engine)
        #expect(try reply(engine, ["DBSIZE"]) == ":15\r\n")
        #expect(try reply(engine, ["OBJECT", "ENCODING", "bigz"]) == "$8\r\nskiplist\r\n")
        #expect(try reply(engine, ["OBJECT", "ENCODING", "ints"]) == "$6\r\nintset\r\n")
        let log = try String(contentsOf: engine.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(log.contains("Done loading RDB, keys loaded: 16, keys expired: 0."), "\(log)")
    }

    @Test func anEngineSaveLoadsIntoRedisServerWithTheSameDigest() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug, server: .engine)
        let reference = try RedisServerProcess(cluster: false, extraArguments: Self.debug, server: .redis70)
        defer { [reference, engine].forEach { $0.kill(); $0.removeFiles() } }
        try await saveAndLoad(from: engine, into: reference)
        #expect(try reply(engine, ["INFO", "persistence"]).contains("rdb_changes_since_last_save:0\r\n"))
    }

    /// SHUTDOWN and SIGTERM save when save points are set; NOSAVE does not;
    /// BGSAVE writes too.
    @Test func aRestartKeepsTheDatasetUnlessNosave() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: Self.debug + ["--save", "3600 1"], server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        try fill(engine)
        let digest = try reply(engine, ["DEBUG", "DIGEST"])
        _ = try? RawRESPConnection(port: engine.port).command(["SHUTDOWN"])
        #expect(engine.waitForExit() == 0)
        try engine.start()
        try await engine.waitUntilReady()
        #expect(try reply(engine, ["DEBUG", "DIGEST"]) == digest)

        _ = try reply(engine, ["SET", "later", "1"])
        _ = try? RawRESPConnection(port: engine.port).command(["SHUTDOWN", "NOSAVE"])
        #expect(engine.waitForExit() == 0)
        try engine.start()
        try await engine.waitUntilReady()
        #expect(try reply(engine, ["EXISTS", "later"]) == ":0\r\n")

        _ = try reply(engine, ["SET", "viaSIGTERM", "1"])
        engine.stop()
        try engine.start()
        try await engine.waitUntilReady()
        #expect(try reply(engine, ["EXISTS", "viaSIGTERM"]) == ":1\r\n")

        _ = try reply(engine, ["SET", "viaBGSAVE", "1"])
        #expect(try reply(engine, ["BGSAVE"]) == "+Background saving started\r\n")
        var info = ""
        for _ in 0..<100 {
            info = try reply(engine, ["INFO", "persistence"])
            if info.contains("rdb_bgsave_in_progress:0") && info.contains("rdb_saves:1\r\n") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(info.contains("rdb_saves:1\r\n") && info.contains("rdb_last_bgsave_status:ok"), "\(info)")
        engine.kill()
        try engine.start()
        try await engine.waitUntilReady()
        #expect(try reply(engine, ["EXISTS", "viaBGSAVE"]) == ":1\r\n")
    }

    @Test func aSavePointSavesOnItsOwn() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: ["--save", "1 1"], server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        _ = try reply(engine, ["SET", "k", "v"])
        var info = ""
        for _ in 0..<100 where !info.contains("rdb_saves:1\r\n") {
            try await Task.sleep(for: .milliseconds(50))
            info = try reply(engine, ["INFO", "persistence"])
        }
        #expect(info.contains("rdb_saves:1\r\n") && info.contains("rdb_changes_since_last_save:0\r\n"), "\(info)")
        #expect(FileManager.default.fileExists(atPath: dumpPath(engine)))
        let log = try String(contentsOf: engine.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(log.contains("1 changes in 1 seconds. Saving..."), "\(log)")
    }

    @Test func aDamagedFileStopsTheStartNamingTheFileAndTheByte() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        engine.stop()
        let good = try Fixtures.bytes("rdb/redis-7.0.15.rdb")
        try Data(good.prefix(good.count / 2)).write(to: URL(fileURLWithPath: dumpPath(engine)))
        try engine.start()
        #expect(engine.waitForExit() == 1)
        let log = try String(contentsOf: engine.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(log.contains("Fatal error loading the DB: \(dumpPath(engine)): byte "), "\(log)")
        #expect(log.contains("Move the file away"))

        // One that cannot be read at all (here a directory): its path and errno's text.
        try FileManager.default.removeItem(atPath: dumpPath(engine))
        try FileManager.default.createDirectory(atPath: dumpPath(engine), withIntermediateDirectories: false)
        try engine.start()
        #expect(engine.waitForExit() == 1)
        let unreadable = try String(contentsOf: engine.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(unreadable.contains("Fatal error loading the DB: cannot read dump.rdb: Is a directory."), "\(unreadable)")
    }

    /// As redis-server, a master that has just started or taken slots waits
    /// a moment (its rejoin delay) before its state is ok.
    private func waitForClusterOK(_ node: RedisServerProcess) async throws {
        for _ in 0..<200 where !(try reply(node, ["CLUSTER", "INFO"])).contains("cluster_state:ok") {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A cluster node's keys come back after a restart, with its slots; keys
    /// of slots nobody owns (a file from elsewhere) make it their owner, as
    /// redis-server's verifyClusterConfigWithData does; keys outside DB 0
    /// stop the start.
    @Test func aClusterNodeRestartsWithItsKeysAndClaimsTheSlotsOfLoadedKeys() async throws {
        let standalone = try RedisServerProcess(cluster: false, server: .engine)
        let node = try RedisServerProcess(cluster: true, extraArguments: ["--save", "3600 1", "--cluster-require-full-coverage", "no"],
                                          server: .engine)
        defer { [standalone, node].forEach { $0.kill(); $0.removeFiles() } }
        try await standalone.waitUntilReady()
        try await node.waitUntilReady()
        _ = try reply(node, ["CLUSTER", "ADDSLOTSRANGE", "0", "99"])
        try await waitForClusterOK(node)
        #expect(try reply(node, ["SET", "{06S}k", "v"]) == "+OK\r\n")  // slot 0
        _ = try? RawRESPConnection(port: node.port).command(["SHUTDOWN"])
        #expect(node.waitForExit() == 0)
        try node.start()
        try await node.waitUntilReady()
        try await waitForClusterOK(node)
        #expect(try reply(node, ["GET", "{06S}k"]) == "$1\r\nv\r\n")
        #expect(try reply(node, ["CLUSTER", "COUNTKEYSINSLOT", "0"]) == ":1\r\n")

        // A standalone file with keys in a slot nobody owns (15495).
        _ = try reply(standalone, ["SET", "{a}1", "x"])
        _ = try reply(standalone, ["SAVE"])
        node.stop()
        try? FileManager.default.removeItem(atPath: dumpPath(node))
        try FileManager.default.copyItem(atPath: dumpPath(standalone), toPath: dumpPath(node))
        try node.start()
        try await node.waitUntilReady()
        let myself = try reply(node, ["CLUSTER", "NODES"]).split(separator: "\n").first { $0.contains("myself") } ?? ""
        #expect(myself.contains(" 15495"), "\(myself)")
        let log = try String(contentsOf: node.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(log.contains("I have keys for unassigned slot 15495. Taking responsibility for it."), "\(log)")

        // Keys in DB 3: a cluster node refuses to start.
        _ = try reply(standalone, ["SELECT", "3"])
        let other = try RawRESPConnection(port: standalone.port)
        _ = try other.command(["SELECT", "3"])
        _ = try other.command(["SET", "elsewhere", "1"])
        _ = try other.command(["SAVE"])
        node.stop()
        try? FileManager.default.removeItem(atPath: dumpPath(node))
        try FileManager.default.copyItem(atPath: dumpPath(standalone), toPath: dumpPath(node))
        try node.start()
        #expect(node.waitForExit() == 1)
        let refused = try String(contentsOf: node.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(refused.contains("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting."))
    }

    /// FLUSHALL with save points saves the empty dataset at once, as
    /// redis-server does, so a restart does not bring the keys back.
    @Test func flushallWithSavePointsSavesTheEmptyDataset() async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: ["--save", "3600 1"], server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        _ = try reply(engine, ["SET", "k", "v"])
        #expect(try reply(engine, ["SAVE"]) == "+OK\r\n")
        #expect(try reply(engine, ["FLUSHALL"]) == "+OK\r\n")
        engine.kill()
        try engine.start()
        try await engine.waitUntilReady()
        #expect(try reply(engine, ["DBSIZE"]) == ":0\r\n")
    }

    /// Sent in one batch, the second BGSAVE finds the first underway (its
    /// end is handled on the same thread, after the batch): refused, and
    /// SCHEDULE runs once the first is done.
    @Test func aSecondBackgroundSaveIsRefusedOrScheduled() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let connection = try RawRESPConnection(port: engine.port)
        _ = try connection.command(["SET", "k", "v"])
        try connection.sendRaw(Array("BGSAVE\r\nBGSAVE\r\nBGSAVE SCHEDULE\r\n".utf8))
        #expect(try connection.readReply() == Array("+Background saving started\r\n".utf8))
        #expect(try connection.readReply() == Array("-ERR Background save already in progress\r\n".utf8))
        #expect(try connection.readReply() == Array("+Background saving scheduled\r\n".utf8))
        var info = ""
        for _ in 0..<100 where !info.contains("rdb_saves:2\r\n") {
            try await Task.sleep(for: .milliseconds(50))
            info = String(decoding: try connection.command(["INFO", "persistence"]), as: UTF8.self)
        }
        #expect(info.contains("rdb_saves:2\r\n") && info.contains("rdb_bgsave_in_progress:0\r\n"), "\(info)")
    }
}
