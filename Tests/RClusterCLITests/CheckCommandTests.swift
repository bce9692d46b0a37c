import Foundation
import Testing
import TestSupport

/// `rcluster check` and `info` side by side with `redis-cli --cluster` on real
/// 6-node clusters made by `redis-cli --cluster create --cluster-replicas 1`.
@Suite struct CheckCommandTests {
    @Test(arguments: TestServer.matrixAndEngine) func healthyClusterMatchesTheReference(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(6, server: server) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.fill(keys: 500)
            let entry = "\(cluster.addresses[0])"

            let ours = try await RClusterBinary.run(["check", entry])
            let reference = try await RClusterBinary.reference(["check", entry])
            #expect(ours.exitCode == 0, "\(ours.stdout)\(ours.stderr)")
            // Same facts, same words, same order; rcluster adds one verdict line.
            #expect(ours.stdout.lines == reference.stdout.lines + ["[OK] Cluster is healthy."])
            #expect(ours.stdout.contains("[OK] All 16384 slots covered."))

            let info = try await RClusterBinary.run(["info", entry])
            #expect(info.exitCode == 0)
            #expect(info.stdout.lines == (try await RClusterBinary.reference(["info", entry])).stdout.lines)
            #expect(info.stdout.contains("[OK] 500 keys in 3 masters."))
        }
    }

    @Test func jsonReportsTheSameFacts() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let result = try await RClusterBinary.run(["check", "\(cluster.addresses[1])", "--json"])
            #expect(result.exitCode == 0)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(json["schema"] as? String == "rcluster.check/1")
            #expect(json["ok"] as? Bool == true)
            let nodes = try #require(json["nodes"] as? [[String: Any]])
            #expect(nodes.count == 6)
            #expect(nodes.filter { $0["role"] as? String == "master" }.compactMap { $0["slots"] as? [String] }.flatMap { $0 }.sorted()
                == ["0-5460", "10923-16383", "5461-10922"])
            #expect((json["findings"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func openSlotIsNamedAndFails() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.openSlot(100)
            let entry = "\(cluster.addresses[0])"
            let ours = try await RClusterBinary.run(["check", entry])
            #expect(ours.exitCode == 1)
            #expect(ours.stdout.contains("[WARNING] The following slots are open: 100."))
            for line in try await RClusterBinary.reference(["check", entry]).stdout.lines where line.contains("state 100") {
                #expect(ours.stdout.lines.contains(line))
            }
            let json = try await RClusterBinary.run(["check", entry, "--json"])
            #expect(json.exitCode == 1)
            #expect(json.stdout.contains("\"open-slot\""))
        }
    }

    @Test func uncoveredSlotIsReportedAndFails() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            try await cluster.uncoverSlot(42)
            let ours = try await RClusterBinary.run(["check", "\(cluster.addresses[0])"])
            #expect(ours.exitCode == 1)
            #expect(ours.stdout.contains("[ERR] Not all 16384 slots are covered by nodes: 1 uncovered (42)."))
        }
    }

    @Test func stoppedNodeIsReportedUnreachable() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let victim = try await cluster.masters()[2].node
            victim.kill()
            let ours = try await RClusterBinary.run(["check", "\(cluster.addresses[0])", "--connect-timeout", "500"])
            #expect(ours.exitCode == 1)
            #expect(ours.stdout.contains("at \(victim.address) serving 5461 slots (10923-16383) is unreachable"))
            #expect(ours.stdout.contains("Connection refused"))
        }
    }

    @Test func frozenNodeIsBoundedByTheCommandTimeout() async throws {
        // The reference hangs forever on a node that accepts TCP but never answers.
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.createWithReferenceCLI(replicas: 1)
            let frozen = cluster.nodes[5]
            frozen.pause()
            defer { frozen.resume() }
            let ours = try await RClusterBinary.run(["check", "\(cluster.addresses[0])", "--command-timeout", "300"])
            #expect(ours.exitCode == 1)
            #expect(ours.stdout.contains("\(frozen.address): no reply to CLUSTER NODES (and 1 more pipelined) within 300 ms"))
        }
    }

    @Test func badAddressAndDeadEntryNodeGiveClearErrors() async throws {
        let typo = try await RClusterBinary.run(["check", "localhost"])
        #expect(typo.exitCode != 0)
        #expect(typo.stderr.contains("no port; write host:port"))
        let port = PortAllocator.allocate()
        let dead = try await RClusterBinary.run(["check", "127.0.0.1:\(port)"])
        #expect(dead.exitCode == 1)
        #expect(dead.stderr.contains("[ERR] 127.0.0.1:\(port): cannot connect (Connection refused)"))
    }
}

extension String {
    var lines: [String] { split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
}
