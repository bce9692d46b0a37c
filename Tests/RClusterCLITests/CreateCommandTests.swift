import ClusterModel
import Foundation
import Testing
import TestSupport

/// `rcluster create` on real servers (7.0, and the matrix where a test says so), judged by `redis-cli --cluster check`.
@Suite struct CreateCommandTests {
    @Test(arguments: TestServer.matrixAndEngine) func sixNodesWithOneReplicaPassTheReferenceCheck(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(6, server: server) { cluster in
            let result = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--cluster-replicas", "1", "--cluster-yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            let reference = try await RClusterBinary.reference(["check", "\(cluster.addresses[0])"])
            #expect(reference.exitCode == 0)
            #expect(reference.stdout.contains("[OK] All nodes agree about slots configuration."))
            #expect(reference.stdout.contains("[OK] All 16384 slots covered."))
            let layout = try await cluster.layout()
            #expect(layout.masters.flatMap(\.slotRanges).map(\.description).sorted() == ["0-5460", "10923-16383", "5461-10922"])
            #expect(layout.replicas.count == 3)
            // Distinct config epochs (a replica shows its master's), as SET-CONFIG-EPOCH assigned them.
            #expect(Set(layout.masters.map(\.configEpoch)).count == 3)
            for node in cluster.nodes {
                #expect(try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_state:ok"))
                // Lowered to 500 ms during create (the rejoin-delay shortcut), then put back.
                #expect(try await cluster.command(node, ["CONFIG", "GET", "cluster-node-timeout"]).contains("5000"))
            }
        }
    }

    @Test(arguments: TestServer.matrixAndEngine) func threeLoopbackHostsGivePerfectAntiAffinity(server: TestServer) async throws {
        let hosts = ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"]
        try await RedisTestCluster.withNodes(hosts: hosts, server: server) { cluster in
            let result = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Perfect anti-affinity obtained!"))
            let layout = try await cluster.layout()
            #expect(Set(layout.masters.map(\.ip)) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
            for replica in layout.replicas {
                let master = try #require(layout.masters.first { $0.id == replica.masterID })
                #expect(replica.ip != master.ip, "\(replica.address) replicates \(master.address) on the same host")
            }
            #expect(try await RClusterBinary.reference(["check", "\(cluster.addresses[2])"]).exitCode == 0)
        }
    }

    @Test func unfitNodesAreAllNamedAndNothingChanges() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            try await cluster.command(cluster.nodes[1], ["CLUSTER", "ADDSLOTS", "5"])
            try await cluster.command(cluster.nodes[2], ["CLUSTER", "MEET", "127.0.0.1", "\(cluster.nodes[3].port)"])
            let plain = try RedisServerProcess(cluster: false)
            try await plain.waitUntilReady()
            let stopped = NodeAddress(host: "127.0.0.1", port: PortAllocator.allocate())
            let arguments = ["create"] + cluster.addresses.map(\.description) + ["\(plain.address)", "\(stopped)", "--replicas", "1", "--yes"]
            let result = try await RClusterBinary.run(arguments)
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("nothing was changed"))
            #expect(result.stderr.contains("\(cluster.addresses[1]): it already serves 1 slot(s)"))
            #expect(result.stderr.contains("\(cluster.addresses[2]): it already knows 1 other node(s)"))
            #expect(result.stderr.contains("\(plain.address) is not a cluster node"))
            #expect(result.stderr.contains("\(stopped): cannot connect (Connection refused)"))
            for node in [cluster.nodes[0], cluster.nodes[4], cluster.nodes[5]] {
                let info = try await cluster.command(node, ["CLUSTER", "INFO"])
                #expect(info.contains("cluster_known_nodes:1") && info.contains("cluster_slots_assigned:0"))
            }
        }
    }

    @Test func nodeWithKeysIsRefused() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            // A lone node owning every slot can take a write, then gives its slots back.
            try await cluster.command(cluster.nodes[0], ["CLUSTER", "ADDSLOTSRANGE", "0", "16383"])
            try await waitUntil { (try? await cluster.command(cluster.nodes[0], ["SET", "k", "v"])) == "OK" }
            try await cluster.command(cluster.nodes[0], ["CLUSTER", "DELSLOTSRANGE", "0", "16383"])
            let result = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("\(cluster.addresses[0]): it holds keys (db0: keys=1"))
        }
    }

    @Test func dryRunJSONIsReproducibleBySeedAndChangesNothing() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            let arguments = ["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--dry-run", "--json", "--seed", "4242"]
            let first = try await RClusterBinary.run(arguments)
            let second = try await RClusterBinary.run(arguments)
            #expect(first.exitCode == 0, "\(first.stderr)")
            #expect(first.stdout == second.stdout)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
            #expect(json["schema"] as? String == "rcluster.create-plan/1")
            #expect(json["seed"] as? String == "4242")
            #expect((json["masters"] as? [[String: Any]])?.compactMap { $0["slots"] as? String } == ["0-5460", "5461-10922", "10923-16383"])
            let unknownHost = try await RClusterBinary.run(arguments + ["--host-of", "127.0.0.1:1=rack9"])
            #expect(unknownHost.exitCode == 1)
            #expect(unknownHost.stderr.contains("--host-of 127.0.0.1:1 names no node of the list"))
            let text = try await RClusterBinary.run(Array(arguments.dropLast(3)) + ["--seed", "4242"])
            #expect(text.stdout.contains("add --seed 4242 to reproduce"))
            for node in cluster.nodes {
                #expect(try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:0"))
            }
        }
    }

    @Test func anInventoryNamesTheHostsOfTheNodes() async throws {
        try await RedisTestCluster.withNodes(hosts: ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1", "127.0.0.2", "127.0.0.3"]) { cluster in
            var yaml = "hosts:\n"
            for (index, address) in ["127.0.0.1", "127.0.0.2", "127.0.0.3"].enumerated() {
                let ports = cluster.addresses.filter { $0.host == address }.map { String($0.port) }
                yaml += "  - {name: server\(index + 1), address: \(address), zone: rack\(index + 1), ports: [\(ports.joined(separator: ", "))]}\n"
            }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-inventory-\(UUID().uuidString).yml").path
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let result = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description)
                                                      + ["--replicas", "1", "--dry-run", "--json", "--seed", "7", "-i", path])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let hosts = ((json["masters"] as? [[String: Any]]) ?? []).compactMap { $0["host"] as? String }
            #expect(Set(hosts) == ["server1", "server2", "server3"], "\(result.stdout)")
            let broken = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--dry-run", "-i", "/nonexistent.yml"])
            #expect(broken.exitCode != 0 && broken.stderr.contains("/nonexistent.yml: no such file"))
        }
    }

    @Test func decliningThePromptChangesNothingAndFails() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            let command = ([RClusterBinary.path, "create"] + cluster.addresses.map(\.description)).joined(separator: " ")
            // `script` gives the command a terminal, so it asks; the answer is "no".
            let declined = try await ProcessRunner.run("script", ["-qfec", command, "/dev/null"], stdin: "no\n")
            #expect(declined.exitCode == 1)
            #expect(declined.stdout.contains("Can I set the above configuration? (type 'yes' to accept):"))
            #expect(declined.stdout.contains("nothing was changed"))
            let noTerminal = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description))
            #expect(noTerminal.exitCode != 0)
            #expect(noTerminal.stderr.contains("add --yes"))
            for node in cluster.nodes {
                #expect(try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:0"))
            }
            // As with redis-cli, a "yes" piped on stdin is an answer too.
            let piped = try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description), stdin: "yes\n")
            #expect(piped.exitCode == 0, "\(piped.stdout)\(piped.stderr)")
        }
    }

    @Test func hostnamesAndIPv6AddressesWork() async throws {
        try await RedisTestCluster.withNodes(6, extraArguments: ["--bind", "127.0.0.1", "::1"]) { cluster in
            let ports = cluster.addresses.map(\.port)
            let names = ["localhost:\(ports[0])", "[::1]:\(ports[1])", "127.0.0.1:\(ports[2])",
                         "localhost:\(ports[3])", "::1:\(ports[4])", "127.0.0.1:\(ports[5])"]
            let result = try await RClusterBinary.run(["create"] + names + ["--replicas", "1", "--yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(try await RClusterBinary.reference(["check", "\(cluster.addresses[0])"]).exitCode == 0)
        }
    }

    /// A create that fails after changing the nodes (one node's bus port
    /// announced wrong, so the join never completes) names what each node
    /// holds and how to reset it; after the reset the same create succeeds.
    @Test(arguments: TestServer.matrixAndEngine) func failedCreateIsDiagnosedAndLeavesAWayBack(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(3, server: server) { cluster in
            let closedPort = PortAllocator.allocate()
            try await cluster.command(cluster.nodes[2], ["CONFIG", "SET", "cluster-announce-bus-port", "\(closedPort)"])
            let create = ["create"] + cluster.addresses.map(\.description) + ["--yes", "--join-timeout", "3"]
            let result = try await RClusterBinary.run(create)
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("of 127.0.0.1 (node \(cluster.addresses[2])) may be unreachable from:"), "\(result.stderr)")
            if server != .redis62 {  // 6.2 shows the announced port in its gossip only, not in its own CLUSTER NODES line
                #expect(result.stderr.contains("The cluster bus port \(closedPort) of 127.0.0.1"))
                #expect(result.stderr.contains("rcluster cannot connect to it either (Connection refused)"))
            }
            for (node, slots) in zip(cluster.addresses, ["0-5460", "5461-10922", "10923-16383"]) {
                #expect(result.stderr.contains("  \(node): serves slots \(slots), config epoch "), "\(result.stderr)")
            }
            let resets = result.stderr.split(separator: "\n").filter { $0.hasPrefix("  redis-cli ") }
            #expect(resets.map { $0.trimmingCharacters(in: .whitespaces) } == cluster.addresses.map { "redis-cli -h 127.0.0.1 -p \($0.port) CLUSTER RESET HARD" })

            // Fix will not make a cluster of what it finds: the nodes are not one.
            // The user follows the printed way back instead.
            for line in resets {
                let words = line.split(separator: " ").map(String.init)
                #expect(try await ProcessRunner.run(words[0], Array(words.dropFirst())).stdout.contains("OK"))
            }
            for node in cluster.nodes {
                #expect(try await cluster.command(node, ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:0"))
            }

            // With --reset-on-failure the nodes are left empty by create itself.
            let again = try await RClusterBinary.run(create + ["--reset-on-failure"])
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("Every node is empty and alone again"), "\(again.stderr)")
            #expect(again.stderr.components(separatedBy: "; reset (CLUSTER RESET HARD)").count == 4)

            try await cluster.command(cluster.nodes[2], ["CONFIG", "SET", "cluster-announce-bus-port", "0"])
            let fixed = try await RClusterBinary.run(create)
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(try await RClusterBinary.reference(["check", "\(cluster.addresses[0])"]).exitCode == 0)
        }
    }

    private func waitUntil(_ condition: () async -> Bool) async throws {
        for _ in 0..<100 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 5 s")
    }
}

@Suite struct CreateWithPasswordTests {
    @Test func passwordProtectedNodesWithREDISCLI_AUTH() async throws {
        let password = "create-pw-7"
        try await RedisTestCluster.withNodes(6, extraArguments: ["--requirepass", password, "--masterauth", password]) { cluster in
            let nodes = cluster.addresses.map(\.description)
            let without = try await RClusterBinary.run(["create"] + nodes + ["--replicas", "1", "--yes"])
            #expect(without.exitCode == 1)
            #expect(without.stderr.contains("NOAUTH"))
            let created = try await RClusterBinary.run(["create"] + nodes + ["--replicas", "1", "--yes"],
                                                       environment: ["REDISCLI_AUTH": password])
            #expect(created.exitCode == 0, "\(created.stdout)\(created.stderr)")
            let check = try await RClusterBinary.reference(["check", nodes[0]], environment: ["REDISCLI_AUTH": password])
            #expect(check.exitCode == 0)
            #expect(check.stdout.contains("[OK] All 16384 slots covered."))
        }
    }
}
