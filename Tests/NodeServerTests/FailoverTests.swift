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
}
