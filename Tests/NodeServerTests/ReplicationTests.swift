import Foundation
import Testing
import TestSupport

/// Replication between engine nodes and real redis-server 7.0.15 nodes,
/// both ways: full sync, the stream, WAIT, and the partial resync after a
/// dropped link. The acceptance of issue 18, as a user would check it.
@Suite(.serialized) struct ReplicationTests {
    static let fastSync = ["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]

    /// One command on a fresh connection. A full sync of a debug build under
    /// make test's load can hold a master for seconds: the timeout is generous.
    private func text(_ node: RedisServerProcess, _ words: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port, timeoutSeconds: 60).command(words), as: UTF8.self)
    }

    /// One field of INFO (`section`), or nil.
    private func info(_ node: RedisServerProcess, _ section: String, _ field: String) throws -> String? {
        let reply = try RawRESPConnection(port: node.port).command(["INFO", section])
        for line in reply.split(separator: 10) {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.hasPrefix(field + ":") { return String(text.dropFirst(field.count + 1)) }
        }
        return nil
    }

    private func eventually(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// Writes of every type, a MULTI, and keys in another DB.
    private func write(_ connection: RawRESPConnection, round: Int, keys: Int) throws {
        var batch: [UInt8] = []
        func add(_ words: [String]) {
            batch += Array("*\(words.count)\r\n".utf8)
            for word in words { batch += Array("$\(word.utf8.count)\r\n\(word)\r\n".utf8) }
        }
        for index in 0..<keys {
            add(["SET", "string:\(round):\(index)", String(repeating: "v", count: index % 50)])
            add(["HSET", "hash:\(index % 20)", "field:\(round):\(index)", "\(index)"])
            add(["RPUSH", "list:\(index % 10)", "\(round):\(index)"])
            add(["SADD", "set:\(index % 10)", "\(round):\(index)"])
            add(["ZADD", "zset:\(index % 10)", "\(index)", "\(round):\(index)"])
            add(["INCR", "counter:\(index % 7)"])
            if index % 5 == 0 { add(["DEL", "string:\(round):\(index - 1)"]) }
        }
        add(["MULTI"]); add(["INCR", "in-multi"]); add(["LPUSH", "in-multi-list", "x"]); add(["EXEC"])
        add(["SELECT", "3"]); add(["SET", "db3:\(round)", "x"]); add(["SELECT", "0"])
        try connection.sendRaw(batch)
        for _ in 0..<(keys * 6 + keys / 5 + (keys % 5 == 0 ? 0 : 1) + 7) { _ = try connection.readReply() }
    }

    private func digest(_ node: RedisServerProcess) throws -> String {
        try text(node, ["DEBUG", "DIGEST"])
    }

    static let pairs: [(TestServer, TestServer)] = [(.engine, .redis70), (.redis70, .engine), (.engine, .engine)]

    @Test(arguments: pairs)
    func aReplicaSyncsInFullThenFollowsTheStreamThenResumesPartially(master: TestServer, replica: TestServer) async throws {
        let primary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: master)
        let secondary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: replica)
        defer { primary.kill(); secondary.kill() }
        try await primary.waitUntilReady()
        try await secondary.waitUntilReady()
        let writer = try RawRESPConnection(port: primary.port)
        try write(writer, round: 0, keys: 500)

        #expect(try text(secondary, ["REPLICAOF", "127.0.0.1", String(primary.port)]) == "+OK\r\n")
        #expect(try await eventually(10) { try info(secondary, "replication", "master_link_status") == "up" })
        try write(writer, round: 1, keys: 500)
        // WAIT on the connection that wrote: the replica has all of it.
        #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        #expect(try digest(primary) == digest(secondary))
        #expect(try info(secondary, "replication", "role") == "slave")
        #expect(try text(secondary, ["SET", "x", "y"]).hasPrefix("-READONLY You can't write against a read only replica."))
        #expect(try info(primary, "replication", "connected_slaves") == "1")
        // ROLE, in redis-server's shape: the replica's master, state and offset; the master's replica.
        let roleOffset = try #require(try info(secondary, "replication", "slave_repl_offset"))
        #expect(try text(secondary, ["ROLE"]) == "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:\(primary.port)\r\n$9\r\nconnected\r\n:\(roleOffset)\r\n")
        let port = String(secondary.port)
        #expect(try text(primary, ["ROLE"]).hasPrefix("*3\r\n$6\r\nmaster\r\n:"))
        #expect(try text(primary, ["ROLE"]).contains("\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$\(port.count)\r\n\(port)\r\n$"))
        let fullBefore = try info(primary, "stats", "sync_full")
        let partialBefore = Int(try info(primary, "stats", "sync_partial_ok") ?? "") ?? -1

        // The link drops; writes go on; the replica comes back for what it missed only.
        _ = try text(primary, ["CLIENT", "KILL", "TYPE", "replica"])
        try write(writer, round: 2, keys: 300)
        #expect(try await eventually(10) { Int(try info(primary, "stats", "sync_partial_ok") ?? "") == partialBefore + 1 })
        #expect(try info(primary, "stats", "sync_full") == fullBefore)
        #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        #expect(try digest(primary) == digest(secondary))
        let offset = try info(primary, "replication", "master_repl_offset")
        #expect(try await eventually(5) { try info(secondary, "replication", "slave_repl_offset") == offset })

        // REPLICAOF NO ONE: the replica keeps its data and takes writes; its old history stays servable.
        #expect(try text(secondary, ["REPLICAOF", "NO", "ONE"]) == "+OK\r\n")
        #expect(try info(secondary, "replication", "role") == "master")
        #expect(try info(secondary, "replication", "master_replid2") == info(primary, "replication", "master_replid"))
        #expect(try text(secondary, ["SET", "x", "y"]) == "+OK\r\n")
    }

    /// A replica whose master's keys change under it while it loads and
    /// between reads of the stream: many small reads and big values.
    @Test func aReplicaOfABusyEngineMasterEndsWithTheSameData() async throws {
        let primary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: .engine)
        let secondary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: .redis70)
        defer { primary.kill(); secondary.kill() }
        try await primary.waitUntilReady()
        try await secondary.waitUntilReady()
        _ = try text(primary, ["DEBUG", "POPULATE", "50000", "key", "100"])
        let writer = try RawRESPConnection(port: primary.port, timeoutSeconds: 60)
        _ = try text(secondary, ["REPLICAOF", "127.0.0.1", String(primary.port)])
        for round in 0..<5 { try write(writer, round: round, keys: 400) }
        #expect(try await eventually(10) { try info(secondary, "replication", "master_link_status") == "up" })
        #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        #expect(try digest(primary) == digest(secondary))
    }

    /// The acceptance: a 3+3 engine cluster built by the real redis-cli, and
    /// every replica holding its master's data.
    @Test func everyReplicaOfAnEngineClusterHoldsItsMastersData() async throws {
        try await RedisTestCluster.withNodes(6, extraArguments: Self.fastSync, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 3000)
            let layout = try await cluster.layout()
            for replica in layout.replicas {
                let node = try #require(cluster.nodes.first { $0.port == replica.address.port })
                let master = try #require(cluster.nodes.first { n in layout.masters.contains { $0.id == replica.masterID && $0.address.port == n.port } })
                #expect(try await eventually(10) { try info(node, "replication", "master_link_status") == "up" })
                let writer = try RawRESPConnection(port: master.port)
                // A key the master owns: WAIT counts this connection's last write.
                let random = try text(master, ["RANDOMKEY"]).split(separator: "\r\n")
                #expect(String(decoding: try writer.command(["SET", String(random[1]), "rewritten"]), as: UTF8.self) == "+OK\r\n")
                #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
                #expect(try await eventually(5) { try digest(master) == digest(node) })
                #expect(try text(master, ["DBSIZE"]) == text(node, ["DBSIZE"]))
            }
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[0])"])
            #expect(check.exitCode == 0, "\(check.stdout)")
        }
    }

    private func myID(_ node: RedisServerProcess) throws -> String {
        String(try text(node, ["CLUSTER", "MYID"]).split(separator: "\r\n")[1])
    }

    /// Mixed clusters: a redis-server replica of an engine master and the
    /// reverse, joined by CLUSTER REPLICATE, converge to the same data, and
    /// the real redis-cli sees a healthy cluster.
    @Test(arguments: [(TestServer.engine, TestServer.redis70), (TestServer.redis70, TestServer.engine)])
    func clusterReplicateWorksBetweenEngineAndRedisServerEitherWay(master: TestServer, replica: TestServer) async throws {
        let primary = try RedisServerProcess(extraArguments: Self.fastSync, server: master)
        let secondary = try RedisServerProcess(extraArguments: Self.fastSync, server: replica)
        defer { primary.kill(); secondary.kill() }
        try await primary.waitUntilReady()
        try await secondary.waitUntilReady()
        #expect(try text(primary, ["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]) == "+OK\r\n")
        #expect(try text(secondary, ["CLUSTER", "MEET", "127.0.0.1", String(primary.port)]) == "+OK\r\n")
        let masterID = try myID(primary)
        #expect(try await eventually(10) { try text(secondary, ["CLUSTER", "NODES"]).contains(masterID) })
        #expect(try await eventually(10) { try text(primary, ["CLUSTER", "INFO"]).contains("cluster_state:ok") })
        let writer = try RawRESPConnection(port: primary.port)
        try write(writer, round: 0, keys: 300)
        #expect(try await eventually(10) { try text(secondary, ["CLUSTER", "REPLICATE", masterID]) == "+OK\r\n" })
        #expect(try await eventually(10) { try info(secondary, "replication", "master_link_status") == "up" })
        try write(writer, round: 1, keys: 300)
        #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        #expect(try digest(primary) == digest(secondary))
        // The keys of the two rounds, as redis-server counts them: the writes were served, not refused.
        let size = try text(secondary, ["DBSIZE"])
        #expect(size == ":541\r\n", "\(size)")
        // READONLY clients read from the replica; others are sent to the master.
        let reader = try RawRESPConnection(port: secondary.port)
        #expect(String(decoding: try reader.command(["GET", "string:1:7"]), as: UTF8.self).hasPrefix("-MOVED"))
        _ = try reader.command(["READONLY"])
        let read = String(decoding: try reader.command(["GET", "string:1:7"]), as: UTF8.self)
        #expect(read == "$7\r\nvvvvvvv\r\n", "\(read)")
        // The replica shows under its master in CLUSTER SLOTS (a non-zero offset in its bus header).
        #expect(try await eventually(10) { try text(primary, ["CLUSTER", "SLOTS"]).contains(try myID(secondary)) })
        let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "127.0.0.1:\(primary.port)"])
        #expect(check.exitCode == 0 && check.stdout.contains("1 additional replica(s)"), "\(check.stdout)")
    }
    /// The acceptance's drift check: a master whose keys expire (lazily and
    /// actively) and which SPOPs, INCRBYFLOATs, SETEXes, EXPIREs and serves
    /// blocking pops under load ends with a replica of the same DEBUG DIGEST
    /// (which covers every TTL): effects went out, not requests.
    @Test(arguments: pairs)
    func relativeAndRandomEffectsLeaveTheReplicaEqual(master: TestServer, replica: TestServer) async throws {
        let primary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: master)
        let secondary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: replica)
        defer { primary.kill(); secondary.kill() }
        try await primary.waitUntilReady()
        try await secondary.waitUntilReady()
        _ = try text(secondary, ["REPLICAOF", "127.0.0.1", String(primary.port)])
        #expect(try await eventually(10) { try info(secondary, "replication", "master_link_status") == "up" })
        let writers = try (0..<3).map { _ in try RawRESPConnection(port: primary.port) }
        let popper = try RawRESPConnection(port: primary.port)
        for round in 0..<40 {
            var batch: [UInt8] = []
            var replies = 0
            func add(_ words: [String]) {
                batch += Array("*\(words.count)\r\n".utf8)
                for word in words { batch += Array("$\(word.utf8.count)\r\n\(word)\r\n".utf8) }
                replies += 1
            }
            for index in 0..<50 {
                let key = "k:\(round % 7):\(index)"
                add(["SETEX", "setex:\(key)", "\(1 + index % 3)", "v"])
                add(["SET", "px:\(key)", "v", "PX", "\(50 + index * 7)"])
                add(["SET", "ex:\(key)", "v", "EX", "100", "GET"])
                add(["EXPIRE", "ex:\(key)", "\(200 + index)"])
                add(["PEXPIRE", "setex:\(key)", "\(index % 2 == 0 ? -1 : 900)"])
                add(["INCRBYFLOAT", "float:\(index % 10)", "0.1"])
                add(["HINCRBYFLOAT", "hfloat", "f\(index % 5)", "1.5"])
                add(["SADD", "set:\(index % 4)", "a\(round)", "b\(round)", "c\(round)", "d\(index)"])
                add(["SPOP", "set:\(index % 4)"])
                add(["SPOP", "set:\((index + 1) % 4)", "2"])
                add(["GETEX", "px:\(key)", "PX", "500"])
                add(["GET", "px:k:\((round + 3) % 7):\(index)"])  // lazy expiry on the master
                add(["RPUSH", "queue", "\(round):\(index)"])
            }
            let writer = writers[round % writers.count]
            try writer.sendRaw(batch)
            for _ in 0..<replies { _ = try writer.readReply() }
            _ = try popper.command(["BLPOP", "queue", "0.01"])
            _ = try popper.command(["BLMOVE", "queue", "moved", "LEFT", "RIGHT", "0.01"])
            try await Task.sleep(for: .milliseconds(20))  // active expiry runs meanwhile
        }
        let last = writers[0]
        _ = try last.command(["SET", "done", "1"])
        #expect(String(decoding: try last.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        // Keys past their time on the master may still sit on the replica until the master's DEL:
        // a moment for the master to expire what it holds, then the two must agree.
        try await Task.sleep(for: .milliseconds(1500))
        _ = try last.command(["SET", "done", "2"])
        _ = try last.command(["WAIT", "1", "5000"])
        #expect(try await eventually(10) { try digest(primary) == digest(secondary) }, "digests differ")
    }
}
