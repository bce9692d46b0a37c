import ClusterModel
import Foundation
import Testing
import TestSupport

/// Failure detection and failover on engine clusters, as a user would see
/// them: real processes killed, stopped and restarted, real redis-cli.
@Suite(.serialized) struct FailoverTests {
    static let arguments = ["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]

    private func entries(_ cluster: RedisTestCluster, _ node: RedisServerProcess) async throws -> [ClusterNodeEntry] {
        try ClusterNodesText.parse(try await cluster.command(node, ["CLUSTER", "NODES"]))
    }

    private func myself(_ cluster: RedisTestCluster, _ node: RedisServerProcess) async throws -> ClusterNodeEntry? {
        try await entries(cluster, node).first { $0.has(.myself) }
    }

    private func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    private func info(_ cluster: RedisTestCluster, _ node: RedisServerProcess, _ field: String) async throws -> String? {
        let text = try await cluster.command(node, ["INFO", "replication"])
        return text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(field + ":") }.map { String($0.dropFirst(field.count + 1)) }
    }

    /// Keys on the masters with slots, as `node` sees them (node 0 may be the one killed).
    private func keysOnMasters(_ cluster: RedisTestCluster, seenBy node: RedisServerProcess) async throws -> Int {
        var total = 0
        for entry in try await entries(cluster, node) where entry.isMaster && !entry.slotRanges.isEmpty && !entry.has(.failing) {
            guard let owner = cluster.nodes.first(where: { $0.port == entry.port && $0.isRunning }) else { continue }
            total += Int(try await cluster.command(owner, ["DBSIZE"])) ?? 0
        }
        return total
    }

    /// CLUSTER NODES, INFO replication and the link agree on each running
    /// node's role and master.
    private func expectRolesAgree(_ cluster: RedisTestCluster) async throws {
        for node in cluster.nodes where node.isRunning {
            let view = try await entries(cluster, node)
            let me = try #require(view.first { $0.has(.myself) })
            let role = try await info(cluster, node, "role")
            #expect(role == (me.isMaster ? "master" : "slave"), "\(node.address): CLUSTER NODES says \(me.flags), INFO says \(role ?? "-")")
            if me.isReplica, let master = view.first(where: { $0.id == me.masterID }) {
                #expect(try await info(cluster, node, "master_port") == "\(master.port)", "\(node.address)")
            }
        }
    }

    /// The replica has processed its master's whole stream (WAIT on a new
    /// connection would not tell: it has written nothing itself).
    private func synced(_ cluster: RedisTestCluster, _ master: RedisServerProcess, _ replica: RedisServerProcess) async throws -> Bool {
        try await eventually(10) {
            let offset = try await info(cluster, master, "master_repl_offset")
            let processed = try await info(cluster, replica, "slave_repl_offset")
            return offset != nil && processed == offset
        }
    }

    /// A master and the node replicating it.
    private func pair(_ cluster: RedisTestCluster) async throws -> (master: RedisServerProcess, replica: RedisServerProcess, masterID: String) {
        let layout = try await cluster.layout()
        let replica = try #require(layout.replicas.first)
        let master = try #require(layout.masters.first { $0.id == replica.masterID })
        return (try #require(cluster.nodes.first { $0.port == master.port }), try #require(cluster.nodes.first { $0.port == replica.port }), master.id)
    }

    /// Writes acknowledged by WAIT 1 survive a master's SIGKILL: its replica
    /// is elected, every survivor says ok, redis-cli's check passes; the
    /// killed node comes back as a replica of the winner and resyncs.
    @Test func aKilledMasterIsReplacedByItsReplicaAndRejoinsAsOneOfItsReplicas() async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 2000)
            let (master, replica, masterID) = try await pair(cluster)
            #expect(try await eventually(10) { try await info(cluster, replica, "master_link_status") == "up" })
            #expect(try await cluster.command(master, ["WAIT", "1", "2000"]) == "1")
            let before = try await keysOnMasters(cluster, seenBy: replica)
            master.kill()
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true }, "the replica was not promoted")
            let survivors = cluster.nodes.filter { $0 !== master }
            for node in survivors {
                #expect(try await eventually(20) { try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_state:ok") })
            }
            let view = try await entries(cluster, survivors[0])
            #expect(view.first(where: { $0.id == masterID })?.has(.failing) == true)
            #expect(try await info(cluster, replica, "role") == "master")
            try await expectRolesAgree(cluster)
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(replica.address)"])
            #expect(check.stdout.contains("[OK] All 16384 slots covered."), "\(check.stdout)")
            #expect(try await keysOnMasters(cluster, seenBy: replica) == before)

            // The old master restarts from its nodes.conf and follows the winner.
            try master.start()
            try await master.waitUntilReady()
            let winnerID = try await cluster.nodeID(replica)
            #expect(try await eventually(20) { try await myself(cluster, master)?.masterID == winnerID }, "the old master did not become a replica of the winner")
            #expect(try await eventually(20) { try await info(cluster, master, "master_link_status") == "up" })
            #expect(try await eventually(10) {
                try await cluster.command(master, ["DEBUG", "DIGEST"]) == cluster.command(replica, ["DEBUG", "DIGEST"])
            })
            try await expectRolesAgree(cluster)
        }
    }

    /// CLUSTER FAILOVER under a steady writer: the roles swap and no write the
    /// old master acknowledged is lost.
    @Test func clusterFailoverSwapsTheRolesWithoutLosingAnAcknowledgedWrite() async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let (master, replica, masterID) = try await pair(cluster)
            #expect(try await eventually(10) { try await info(cluster, replica, "master_link_status") == "up" })
            let slot = try #require(try await myself(cluster, master)?.slotRanges.first?.first)
            let keys = keyNames(inSlot: slot, count: 1, prefix: "counter")
            let writer = try RawRESPConnection(port: master.port)
            var acknowledged = 0
            let stop = Date().addingTimeInterval(30)
            var failedOver = false
            var lastReply = ""
            var requested = false
            while Date() < stop {
                // Held while the master pauses for the replica; MOVED once the replica owns the slot.
                lastReply = String(decoding: try writer.command(["INCR", keys[0]]), as: UTF8.self)
                if lastReply.hasPrefix(":") {
                    acknowledged = Int(lastReply.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)) ?? acknowledged
                } else if !lastReply.hasPrefix("-MOVED") {
                    break
                }
                if acknowledged == 200 && !requested {
                    #expect(try await cluster.command(replica, ["CLUSTER", "FAILOVER"]) == "OK")
                    requested = true
                }
                if requested, try await myself(cluster, replica)?.isMaster == true {
                    failedOver = true
                    break
                }
            }
            #expect(failedOver, "the replica did not take over; the master's last reply: \(lastReply)")
            #expect(try await eventually(10) { try await myself(cluster, master)?.masterID == (try await cluster.nodeID(replica)) })
            #expect(try await eventually(10) { try await entries(cluster, cluster.nodes[0]).first(where: { $0.id == masterID })?.isReplica == true })
            let value = Int(try await cluster.command(replica, ["GET", keys[0]])) ?? -1
            #expect(value >= acknowledged, "acknowledged \(acknowledged), the new master holds \(value)")
            try await cluster.waitUntilConverged()
        }
    }

    /// A master stopped for longer than node-timeout comes back as a replica
    /// of the node elected in its place, not as a second owner of its slots.
    @Test func aMasterStoppedPastNodeTimeoutComesBackAsAReplica() async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let (master, replica, _) = try await pair(cluster)
            #expect(try await eventually(10) { try await info(cluster, replica, "master_link_status") == "up" })
            master.pause()
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true })
            master.resume()
            let winnerID = try await cluster.nodeID(replica)
            #expect(try await eventually(20) { try await myself(cluster, master)?.masterID == winnerID })
            #expect(try await myself(cluster, master)?.slotRanges.isEmpty == true)
            try await cluster.waitUntilConverged()
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(master.address)"])
            #expect(check.exitCode == 0, "\(check.stdout)")
        }
    }

    /// Mixed clusters: a redis-server replica takes over from an engine
    /// master with the engine masters' votes, and the reverse.
    @Test(arguments: [(TestServer.engine, TestServer.redis70), (TestServer.redis70, TestServer.engine)])
    func aReplicaOfTheOtherKindTakesOverFromAKilledMaster(masters: TestServer, replicas: TestServer) async throws {
        try await RedisTestCluster.withNodes(servers: Array(repeating: masters, count: 3) + Array(repeating: replicas, count: 3),
                                             nodeTimeoutMilliseconds: 2000) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 1000)
            let (master, replica, _) = try await pair(cluster)
            #expect(master.server == masters && replica.server == replicas)
            #expect(try await eventually(20) { try await info(cluster, replica, "master_link_status") == "up" })
            #expect(try await cluster.command(master, ["WAIT", "1", "2000"]) == "1")
            let keys = try await cluster.command(master, ["DBSIZE"])
            master.kill()
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true }, "\(replicas.name) was not promoted")
            for node in cluster.nodes where node !== master {
                #expect(try await eventually(20) { try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_state:ok") })
            }
            #expect(try await cluster.command(replica, ["DBSIZE"]) == keys)
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(replica.address)"])
            #expect(check.stdout.contains("[OK] All 16384 slots covered."), "\(check.stdout)")
        }
    }

    /// rcluster's check, del-node and fix treat an engine cluster after a
    /// failover as they treat a redis-server cluster after one.
    @Test(arguments: [TestServer.redis70, TestServer.engine])
    func rclusterToolsHandleTheClusterAfterAFailover(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: server) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 500)
            let (master, replica, masterID) = try await pair(cluster)
            #expect(try await eventually(20) { try await info(cluster, replica, "master_link_status") == "up" })
            #expect(try await synced(cluster, master, replica))
            master.kill()
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true })
            try await cluster.waitUntilConverged()
            let entry = "\(replica.address)"
            // The failed node is named, and the check fails, as it does on a redis-server cluster.
            let check = try await RClusterBinary.run(["check", entry])
            #expect(check.exitCode == 1, "\(server.name): \(check.stdout)\(check.stderr)")
            #expect((check.stdout + check.stderr).contains(String(masterID.prefix(8))), "\(server.name): \(check.stdout)\(check.stderr)")
            let removed = try await RClusterBinary.run(["del-node", entry, masterID])
            #expect(removed.exitCode == 0, "\(server.name): \(removed.stdout)\(removed.stderr)")
            #expect(try await eventually(10) { !(try await cluster.command(replica, ["CLUSTER", "NODES"])).contains(masterID) })
            let fixed = try await RClusterBinary.run(["fix", entry, "--yes"])
            #expect(fixed.exitCode == 0, "\(server.name): \(fixed.stdout)\(fixed.stderr)")
            #expect(try await RClusterBinary.run(["check", entry]).exitCode == 0)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            #expect(try await keysOnMasters(cluster, seenBy: replica) == 500)
        }
    }

    /// The acceptance with a real cluster client: redis-py's RedisCluster
    /// keeps writing while a master is SIGKILLed; every key acknowledged
    /// with WAIT 1 before the kill is read back after it, and the client
    /// goes on writing once the replica has taken over, on its own.
    @Test func aClusterClientRidesThroughTheFailoverAndWaitedWritesSurvive() async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let (master, replica, _) = try await pair(cluster)
            #expect(try await eventually(10) { try await info(cluster, replica, "master_link_status") == "up" })
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-failover-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let stopFile = folder.appendingPathComponent("stop").path
            let progressFile = folder.appendingPathComponent("progress").path
            let acknowledged = { Int((try? String(contentsOfFile: progressFile, encoding: .utf8)) ?? "") ?? 0 }
            let entry = cluster.nodes.first { $0 !== master }!
            let writer = try ChildProcess.spawn("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/cluster_writer.py", "--startup", "\(entry.address)",
                                                            "--keys", "500", "--stop-file", stopFile,
                                                            "--report", folder.appendingPathComponent("report.json").path, "--progress", progressFile],
                                                stderr: .file(folder.appendingPathComponent("writer.log").path)).process
            defer { writer.signal(SIGKILL); writer.waitUntilExit() }
            for _ in 0..<100 where acknowledged() == 0 { try await Task.sleep(for: .milliseconds(100)) }

            // Keys on the doomed master, each acknowledged by its replica (WAIT 1 on the connection that wrote).
            let slot = try #require(try await myself(cluster, master)?.slotRanges.first?.first)
            let waited = keyNames(inSlot: slot, count: 50, prefix: "waited")
            let connection = try RawRESPConnection(port: master.port)
            for key in waited { #expect(try connection.command(["SET", key, "v-\(key)"]) == Array("+OK\r\n".utf8)) }
            #expect(try connection.command(["WAIT", "1", "1000"]) == Array(":1\r\n".utf8))

            master.kill()
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true })
            for node in cluster.nodes where node !== master {
                #expect(try await eventually(20) { try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_state:ok") })
            }
            for key in waited { #expect(try await cluster.command(replica, ["GET", key]) == "v-\(key)", "\(key)") }

            // The client finds the new owner by itself and keeps writing.
            let atPromotion = acknowledged()
            #expect(try await eventually(30) { acknowledged() > atPromotion + 500 }, "the client did not recover: \(acknowledged()) writes, \(atPromotion) at the promotion")
            _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
            for _ in 0..<600 where writer.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(replica.address)"])
            #expect(check.stdout.contains("[OK] All 16384 slots covered."), "\(check.stdout)")
        }
    }

    /// CLUSTER FAILOVER FORCE (an election without the master's pause) and
    /// TAKEOVER (no election: a new epoch of its own); with TAKEOVER the
    /// other masters need not even answer, so two of them are stopped.
    @Test(arguments: ["FORCE", "TAKEOVER"])
    func forceAndTakeoverSwapTheRoles(option: String) async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 2000, extraArguments: Self.arguments, server: .engine) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let (master, replica, masterID) = try await pair(cluster)
            #expect(try await eventually(10) { try await info(cluster, replica, "master_link_status") == "up" })
            let others = try await cluster.masters().map(\.node).filter { $0 !== master }
            if option == "TAKEOVER" { others.forEach { $0.pause() } }
            defer { others.forEach { $0.resume() } }
            #expect(try await cluster.command(replica, ["CLUSTER", "FAILOVER", option]) == "OK")
            #expect(try await eventually(20) { try await myself(cluster, replica)?.isMaster == true }, "\(option): no promotion")
            let winnerID = try await cluster.nodeID(replica)
            #expect(try await eventually(20) { try await myself(cluster, master)?.masterID == winnerID }, "\(option): the old master did not follow")
            others.forEach { $0.resume() }
            try await cluster.waitUntilConverged()
            #expect(try await entries(cluster, others[0]).first(where: { $0.id == masterID })?.isReplica == true)
            try await expectRolesAgree(cluster)
        }
    }
}
