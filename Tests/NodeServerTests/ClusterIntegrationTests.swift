import Foundation
import Testing
import TestSupport

/// Engine nodes as a real cluster: built by the real redis-cli, mixed with
/// real redis-server nodes, restarted from nodes.conf.
@Suite(.serialized) struct ClusterIntegrationTests {
    private func text(_ node: RedisServerProcess, _ words: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port).command(words), as: UTF8.self)
    }

    /// CLUSTER NODES' lines, the bulk string's header taken off. (Split as
    /// bytes: to String, "\r\n" is one character and no "\n" is found in it.)
    private func nodeLines(_ node: RedisServerProcess) throws -> [String] {
        let reply = try RawRESPConnection(port: node.port).command(["CLUSTER", "NODES"])
        guard let start = reply.firstIndex(of: 10) else { return [] }
        return reply[(start + 1)...].split(separator: 10).map { String(decoding: $0, as: UTF8.self) }.filter { $0.count > 40 }
    }

    private func myID(_ node: RedisServerProcess) throws -> String {
        String(try text(node, ["CLUSTER", "MYID"]).split(separator: "\r\n")[1])
    }

    /// Polls until `condition` holds or `seconds` pass.
    private func eventually(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    @Test func theRealRedisCliCreatesAndChecksAClusterOfEngineNodes() async throws {
        try await RedisTestCluster.withNodes(6, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[0])"])
            #expect(check.exitCode == 0, "\(check.stdout)")
            #expect(check.stdout.contains("[OK] All nodes agree about slots configuration."))
            #expect(check.stdout.contains("[OK] All 16384 slots covered."))
            #expect(check.stdout.components(separatedBy: "slots: (0 slots) slave").count - 1 == 3)
            // redis-cli -c follows the redirections between the engine masters.
            let port = String(cluster.nodes[0].port)
            for index in 0..<30 {
                let set = try await ProcessRunner.run("redis-cli", ["-c", "-p", port, "SET", "key:\(index)", "value:\(index)"])
                #expect(set.stdout == "OK\n")
            }
            let get = try await ProcessRunner.run("redis-cli", ["-c", "-p", String(cluster.nodes[3].port), "GET", "key:17"])
            #expect(get.stdout == "value:17\n")
        }
    }

    /// The acceptance's reshard: the real redis-cli moves 1,000 slots
    /// between engine masters holding 100,000 keys, and none is lost.
    @Test func theRealRedisCliReshardsAThousandSlotsOfEngineMastersWithEveryKey() async throws {
        try await RedisTestCluster.withNodes(3, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            try await cluster.fill(keys: 100_000)
            let masters = try await cluster.masters()
            let reshard = try await ProcessRunner.run("redis-cli", [
                "--cluster", "reshard", "\(cluster.addresses[0])", "--cluster-from", masters[0].id, "--cluster-to", masters[2].id,
                "--cluster-slots", "1000", "--cluster-yes",
            ])
            #expect(reshard.exitCode == 0, "\(reshard.stderr)")
            #expect(try await cluster.countKeys() == 100_000)
            let after = try await cluster.masters()
            #expect(after.first { $0.id == masters[2].id }.map { $0.slots.reduce(0) { $0 + $1.count } } == 5461 + 1000)
            for index in stride(from: 0, to: 100_000, by: 997) { #expect(try await cluster.get("key:\(index)") == "value-\(index)") }
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[1])"])
            #expect(check.exitCode == 0 && !check.stdout.contains("[WARNING]"), "\(check.stdout)")
        }
    }

    @Test(arguments: [true, false])
    func anEngineNodeAndARedisServerNodeMeetAndShareSlotsAndMessages(engineMeets: Bool) async throws {
        let engine = try RedisServerProcess(server: .engine)
        let redis = try RedisServerProcess(server: .redis70)
        defer { engine.kill(); redis.kill(); engine.removeFiles(); redis.removeFiles() }
        try await engine.waitUntilReady()
        try await redis.waitUntilReady()
        let (meets, met) = engineMeets ? (engine, redis) : (redis, engine)
        #expect(try text(meets, ["CLUSTER", "MEET", "127.0.0.1", String(met.port)]) == "+OK\r\n")
        let ids = [engine.port: try myID(engine), redis.port: try myID(redis)]
        func sees(_ node: RedisServerProcess, _ other: RedisServerProcess) throws -> Bool {
            try nodeLines(node).contains {
                $0.hasPrefix(ids[other.port]!) && $0.contains(" connected") && !$0.contains("handshake")
                    && $0.contains("127.0.0.1:\(other.port)@\(other.port + 10000)")
            }
        }
        #expect(try await eventually(2) { try sees(engine, redis) && sees(redis, engine) })
        // Both directions of the pair show in CLUSTER LINKS, on each side.
        for (node, other) in [(engine, redis), (redis, engine)] {
            #expect(try await eventually(2) {
                let links = try text(node, ["CLUSTER", "LINKS"])
                return links.hasPrefix("*2\r\n") && links.contains("$2\r\nto\r\n") && links.contains("$4\r\nfrom\r\n")
                    && links.components(separatedBy: ids[other.port]!).count == 3
            })
        }

        #expect(try text(engine, ["CLUSTER", "ADDSLOTSRANGE", "0", "8191"]) == "+OK\r\n")
        #expect(try text(redis, ["CLUSTER", "ADDSLOTSRANGE", "8192", "16383"]) == "+OK\r\n")
        #expect(try await eventually(10) {
            try [engine, redis].allSatisfy { try text($0, ["CLUSTER", "INFO"]).contains("cluster_state:ok") }
        })
        for node in [engine, redis] {
            let slots = try text(node, ["CLUSTER", "SLOTS"])
            #expect(slots.contains(ids[engine.port]!) && slots.contains(ids[redis.port]!))
        }
        #expect(try text(redis, ["SET", "b", "1"]) == "-MOVED 3300 127.0.0.1:\(engine.port)\r\n")
        #expect(try text(engine, ["SET", "foo", "1"]) == "-MOVED 12182 127.0.0.1:\(redis.port)\r\n")

        // PUBLISH on either reaches a subscriber on the other.
        for (publisher, subscriber) in [(engine, redis), (redis, engine)] {
            let listener = try RawRESPConnection(port: subscriber.port)
            _ = try listener.command(["SUBSCRIBE", "news"])
            _ = try text(publisher, ["PUBLISH", "news", "from \(publisher.port)"])
            let message = String(decoding: try listener.readReply(), as: UTF8.self)
            #expect(message.contains("from \(publisher.port)"))
        }
    }

    @Test func aRestartedEngineNodeKeepsItsIDSlotsAndPeers() async throws {
        try await RedisTestCluster.withNodes(3, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            let node = cluster.nodes[1]
            let before = try nodeLines(node)
            let id = try myID(node)
            node.stop()
            try node.start()
            try await node.waitUntilReady()
            #expect(try myID(node) == id)
            let after = try nodeLines(node)
            let fields: ([String]) -> [String] = { lines in
                lines.map { line in
                    let parts = line.split(separator: " ")
                    return ([parts[0], parts[1], parts[2], parts[3]] + parts.dropFirst(8)).joined(separator: " ")
                }.sorted()
            }
            #expect(fields(after) == fields(before))
            try await cluster.waitUntilConverged()
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[0])"])
            #expect(check.exitCode == 0 && check.stdout.contains("[OK] All 16384 slots covered."), "\(check.stdout)")
        }
    }

    @Test func aCorruptNodesConfStopsTheStartWithItsLineAndReason() async throws {
        let node = try RedisServerProcess(server: .engine)
        try await node.waitUntilReady()
        node.stop()
        let file = node.directory.appendingPathComponent("nodes.conf")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        try ([lines[0], "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7001@17001 master,bogus - 0 0 0 connected"] + lines.dropFirst())
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        try node.start()
        #expect(try await eventually(5) { !node.isRunning })
        let log = try String(contentsOf: node.directory.appendingPathComponent("redis.log"), encoding: .utf8)
        #expect(log.contains("Unrecoverable error: corrupted cluster config file."))
        #expect(log.contains("nodes.conf line 2: unknown flag 'bogus'"), "\(log)")
        node.removeFiles()
    }
}

/// Keys of every type through redis-py's RedisCluster, on engine clusters
/// and on clusters mixing engine and redis-server masters while slots move
/// between the two kinds (Tests/Scripts/typed_keys.py).
@Suite(.serialized) struct ClusterClientTests {
    private func typedKeys(_ mode: String, _ cluster: RedisTestCluster, _ count: Int) async throws -> ProcessResult {
        try await ProcessRunner.run("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/typed_keys.py", mode, "\(cluster.addresses[0])", "\(count)"])
    }

    @Test func redisPyWritesAndReadsTenThousandKeysOfEveryTypeOnAnEngineCluster() async throws {
        try await RedisTestCluster.withNodes(6, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let written = try await typedKeys("write", cluster, 10_000)
            #expect(written.exitCode == 0, "\(written.stdout)\(written.stderr)")
            let verified = try await typedKeys("verify", cluster, 10_000)
            #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
            #expect(try await cluster.countKeys() == 10_000)
        }
    }

    @Test func slotsMoveBothWaysBetweenEngineAndRedisServerMastersWithKeysOfEveryType() async throws {
        try await RedisTestCluster.withNodes(servers: [.engine, .redis70, .engine, .redis70]) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 0)
            #expect(try await typedKeys("write", cluster, 6000).exitCode == 0)
            let masters = try await cluster.masters()
            let engineMaster = try #require(masters.first { $0.node.server == .engine })
            let redisMaster = try #require(masters.first { $0.node.server == .redis70 })
            for (from, to) in [(engineMaster, redisMaster), (redisMaster, engineMaster)] {
                let moved = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", from.id, "--to", to.id,
                                                          "--slots", "1500", "--yes"])
                #expect(moved.exitCode == 0, "\(moved.stdout)\(moved.stderr)")
                let verified = try await typedKeys("verify", cluster, 6000)
                #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
            }
            // The reference tool moves them back, through the same MIGRATE/RESTORE-ASKING.
            let back = try await ProcessRunner.run("redis-cli", ["--cluster", "reshard", "\(cluster.addresses[1])", "--cluster-from", redisMaster.id,
                                                                 "--cluster-to", engineMaster.id, "--cluster-slots", "700", "--cluster-yes"])
            #expect(back.exitCode == 0, "\(back.stderr)")
            #expect(try await typedKeys("verify", cluster, 6000).exitCode == 0)
            #expect(try await cluster.countKeys() == 6000)
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(cluster.addresses[2])"])
            #expect(check.exitCode == 0 && !check.stdout.contains("[WARNING]"), "\(check.stdout)")
        }
    }
}
