import ClusterModel
import Foundation
import Testing
import TestSupport

/// add-node, del-node and set-timeout on real clusters, judged by redis-cli --cluster check.
@Suite struct NodeCommandsTests {
    @Test func addMasterThenReplicasPickTheMasterWithFewestReplicas() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            let created = try await RClusterBinary.run(["create"] + founders + ["--yes"])
            #expect(created.exitCode == 0, "\(created.stderr)")
            let entry = founders[0]

            let master = try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", entry])
            #expect(master.exitCode == 0, "\(master.stdout)\(master.stderr)")
            #expect(master.stdout.contains("[OK] New node added correctly."))
            // No waiting needed: every node already knows the new one.
            for node in cluster.nodes.prefix(4) {
                #expect(try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_known_nodes:4"))
            }

            let first = try await RClusterBinary.run(["add-node", "\(cluster.addresses[4])", entry, "--replica"])
            #expect(first.exitCode == 0, "\(first.stdout)\(first.stderr)")
            #expect(first.stdout.contains("Automatically selected master"))
            let second = try await RClusterBinary.run(["add-node", "\(cluster.addresses[5])", entry, "--cluster-slave"])
            #expect(second.exitCode == 0, "\(second.stdout)\(second.stderr)")
            let layout = try await cluster.layout()
            let replicated = layout.replicas.compactMap(\.masterID)
            #expect(replicated.count == 2 && Set(replicated).count == 2, "two replicas on two different masters")
            #expect(layout.masters.filter { !$0.slotRanges.isEmpty }.map(\.id).contains(replicated[0]))
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }

    @Test func addReplicaOfAChosenMaster() async throws {
        try await RedisTestCluster.withNodes(4) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            let target = try await cluster.nodeID(cluster.nodes[2])
            let added = try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0], "--cluster-slave",
                                                      "--cluster-master-id", String(target.prefix(10)).uppercased()])
            #expect(added.exitCode == 0, "\(added.stdout)\(added.stderr)")
            #expect(try await cluster.layout().replicas.first?.masterID == target)
            let unknown = try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0], "--replica", "--master-id", "ffff"])
            #expect(unknown.exitCode == 1)
        }
    }

    /// The cluster's function libraries reach the new master (FUNCTION DUMP, FUNCTION RESTORE),
    /// between engine nodes and between an engine and redis-server either way.
    @Test(arguments: [[TestServer.engine, .engine, .engine, .engine], [.redis70, .redis70, .redis70, .engine],
                      [.engine, .engine, .engine, .redis70]])
    func addNodeCopiesTheClustersFunctions(servers: [TestServer]) async throws {
        try await RedisTestCluster.withNodes(servers: servers) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            let library = "#!lua name=app\nredis.register_function{function_name='greet', callback=function() return 'hi' end, flags={'no-writes'}}"
            for node in cluster.nodes.prefix(3) { _ = try await cluster.command(node, ["FUNCTION", "LOAD", library]) }
            let added = try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0]])
            #expect(added.exitCode == 0, "\(added.stdout)\(added.stderr)")
            #expect(try await cluster.command(cluster.nodes[3], ["FCALL_RO", "greet", "0"]).contains("hi"))
            #expect(try await cluster.command(cluster.nodes[3], ["INFO", "memory"]).contains("number_of_libraries:1"))
        }
    }

    @Test func addNodeRefusesANonEmptyNode() async throws {
        try await RedisTestCluster.withNodes(5) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            try await cluster.command(cluster.nodes[3], ["CLUSTER", "MEET", "127.0.0.1", "\(cluster.nodes[4].port)"])
            let refused = try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0]])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("it already knows 1 other node(s)"))
        }
    }

    @Test func delNodeRemovesAReplicaAndRefusesAMasterWithSlots() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            let created = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"])
            #expect(created.exitCode == 0)
            let entry = "\(cluster.addresses[0])"
            let layout = try await cluster.layout()
            let master = try #require(layout.masters.first)
            let busy = try await RClusterBinary.run(["del-node", entry, master.id])
            #expect(busy.exitCode == 1)
            #expect(busy.stderr.contains("is not empty!"))

            let replica = try #require(layout.replicas.first { $0.port != cluster.addresses[0].port })
            let removed = try await RClusterBinary.run(["del-node", entry, "\(replica.address)"])
            #expect(removed.exitCode == 0, "\(removed.stdout)\(removed.stderr)")
            #expect(removed.stdout.contains("CLUSTER RESET SOFT"))
            let gone = try #require(cluster.nodes.first { $0.port == replica.port })
            #expect(try await cluster.command(gone, ["CLUSTER", "INFO"]).contains("cluster_known_nodes:1"))
            let check = try await RClusterBinary.reference(["check", entry])
            #expect(check.exitCode == 0)
            #expect(!check.stdout.contains(replica.id))
        }
    }

    @Test func delNodeRemovesAStoppedNode() async throws {
        try await RedisTestCluster.withNodes(6, nodeTimeoutMilliseconds: 1000) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"]).exitCode == 0)
            let replica = try #require(try await cluster.layout().replicas.first { $0.port != cluster.addresses[0].port })
            let dead = try #require(cluster.nodes.first { $0.port == replica.port })
            dead.kill()
            let entry = "\(cluster.addresses[0])"
            let removed = try await RClusterBinary.run(["del-node", entry, replica.id])
            #expect(removed.exitCode == 0, "\(removed.stdout)\(removed.stderr)")
            #expect(removed.stdout.contains("forgotten without a reset"))
            let check = try await RClusterBinary.run(["check", entry])
            #expect(check.exitCode == 0, "\(check.stdout)")
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }

    @Test func delNodeMovesTheReplicasOfAnEmptyMaster() async throws {
        try await RedisTestCluster.withNodes(5) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            #expect(try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0]]).exitCode == 0)
            let emptyMaster = try await cluster.nodeID(cluster.nodes[3])
            #expect(try await RClusterBinary.run(["add-node", "\(cluster.addresses[4])", founders[0], "--replica", "--master-id", emptyMaster]).exitCode == 0)
            let removed = try await RClusterBinary.run(["del-node", founders[0], emptyMaster])
            #expect(removed.exitCode == 0, "\(removed.stdout)\(removed.stderr)")
            #expect(removed.stdout.contains("\(cluster.addresses[4]) now replicates"))
            #expect(try await RClusterBinary.reference(["check", founders[0]]).exitCode == 0)
        }
    }

    @Test func setTimeoutReachesEveryNode() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let result = try await RClusterBinary.run(["set-timeout", "\(cluster.addresses[0])", "4321"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            for node in cluster.nodes {
                let value = try await cluster.command(node, ["CONFIG", "GET", "cluster-node-timeout"])
                #expect(value.contains("4321"))
            }
            // Test nodes run without a config file, so the rewrite cannot be saved: said, not hidden.
            #expect(result.stdout.contains("timeout set but not saved"))
            let tooSmall = try await RClusterBinary.run(["set-timeout", "\(cluster.addresses[0])", "99"])
            #expect(tooSmall.exitCode != 0)
            #expect(tooSmall.stderr.contains("at least 100 ms"))
        }
    }
}
