import ClusterModel
import Foundation
import Testing
import TestSupport

/// `rcluster reshard` on real clusters: no key lost, every slot stable, the reference check OK.
@Suite struct ReshardCommandTests {
    @Test func movesExactlyNSlotsAndEveryKey() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"]).exitCode == 0)
            try await cluster.fill(keys: 3000)
            let masters = try await cluster.masters()
            let entry = "\(cluster.addresses[0])"
            let result = try await RClusterBinary.run(["reshard", entry, "--cluster-from", "all", "--cluster-to", masters[0].id,
                                                       "--cluster-slots", "1001", "--cluster-yes", "--pipeline", "7"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Moved 1001 slots"))
            let after = try await cluster.masters()
            #expect(after.first { $0.id == masters[0].id }!.slots.reduce(0) { $0 + $1.count } == 5461 + 1001)
            let check = try await RClusterBinary.reference(["check", entry])
            #expect(check.exitCode == 0, "\(check.stdout)")
            #expect(!check.stdout.contains("[WARNING]"))
            #expect(try await cluster.countKeys() == 3000)
            for index in stride(from: 0, to: 3000, by: 37) {
                #expect(try await cluster.get("key:\(index)") == "value-\(index)")
            }
        }
    }

    /// Five 1 MB values share one GETKEYSINSLOT batch (it starts at 10 keys);
    /// with a 1.5 MB limit each travels in a MIGRATE of its own.
    @Test func migrateBatchesStayUnderTheByteLimit() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let masters = try await cluster.masters()
            let names = keyNames(inSlot: 0, count: 5, prefix: "big")
            let value = String(repeating: "x", count: 1 << 20)
            for name in names { try await cluster.command(masters[0].node, ["SET", name, value]) }
            try await cluster.command(masters[0].node, ["CONFIG", "RESETSTAT"])
            let result = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", masters[0].id, "--to", masters[1].id,
                                                       "--slots", "1", "--batch-bytes", "1500000", "--yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            let stats = try await cluster.command(masters[0].node, ["INFO", "commandstats"])
            #expect(stats.contains("cmdstat_migrate:calls=5,"), "\(stats)")
            for name in names { #expect(try await cluster.get(name) == value) }
        }
    }

    @Test func jsonSummaryAndNoJournalLeftBehind() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 2000)
            let masters = try await cluster.masters()
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-state-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: state) }
            let result = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", masters[0].id, "--to", masters[2].id,
                                                       "--slots", "100", "--yes", "--json"], environment: ["RCLUSTER_STATE_DIR": state])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(json["schema"] as? String == "rcluster.reshard/1")
            #expect(json["slots"] as? Int == 100)
            #expect(json["target"] as? String == "\(masters[2].node.address)")
            #expect((json["keys"] as? Int ?? 0) > 0)
            // The keys' RESTORE payloads reached the target: its input counter moved.
            #expect((json["bytesPerSecond"] as? Double ?? 0) > 0)
            #expect((try? FileManager.default.contentsOfDirectory(atPath: state))?.isEmpty ?? true)
            let planned = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", masters[0].id, "--to", masters[2].id,
                                                        "--slots", "10", "--dry-run", "--json"])
            let plan = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any], "\(planned.stdout)")
            #expect(plan["schema"] as? String == "rcluster.reshard-plan/1" && plan["slots"] as? Int == 10)
            #expect(((plan["sources"] as? [[String: Any]])?.first?["slots"] as? [String])?.count == 1)
            let withoutYes = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", masters[0].id, "--to", masters[2].id,
                                                           "--slots", "1", "--json"])
            #expect(withoutYes.exitCode != 0 && withoutYes.stderr.contains("--yes"))
        }
    }

    @Test func refusesAnUnhealthyClusterAndUnknownIDs() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let entry = "\(cluster.addresses[0])"
            let unknown = try await RClusterBinary.run(["reshard", entry, "--from", "all", "--to", "ffffff", "--slots", "1", "--yes"])
            #expect(unknown.exitCode == 1)
            #expect(unknown.stderr.contains("no node of the cluster has an ID starting with 'ffffff'"))
            try await cluster.openSlot(7)
            let target = try await cluster.masters()[1].id
            let refused = try await RClusterBinary.run(["reshard", entry, "--from", "all", "--to", target, "--slots", "1", "--yes"])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("Please fix your cluster problems before resharding"))
        }
    }

    @Test func busyKeysWithEqualValuesAreReplacedWithoutDebugAndDifferentOnesStop() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let masters = try await cluster.masters()
            let (source, target) = (masters[0], masters[1])
            let key = keyNames(inSlot: 0, prefix: "busy")[0]
            try await cluster.command(source.node, ["SET", key, "same"])
            // The same key and value already on the target (as a failed earlier move can leave it).
            try await cluster.plant(key: key, value: "same", slot: 0, on: target.node, ownerID: source.id)
            let entry = "\(cluster.addresses[0])"
            let first = try await RClusterBinary.run(["reshard", entry, "--from", source.id, "--to", target.id, "--slots", "1", "--yes"])
            #expect(first.exitCode == 0, "\(first.stdout)\(first.stderr)")
            #expect(try await cluster.get(key) == "same")

            // Now a different value on the other side: the move stops and says which key.
            let other = keyNames(inSlot: 1, prefix: "clash")[0]
            try await cluster.command(source.node, ["SET", other, "mine"])
            try await cluster.plant(key: other, value: "theirs", slot: 1, on: target.node, ownerID: source.id)
            let second = try await RClusterBinary.run(["reshard", entry, "--from", source.id, "--to", target.id, "--slots", "1", "--yes"])
            #expect(second.exitCode == 1)
            #expect(second.stderr.contains("exist on \(target.node.address) with different values (\(other))"))
            #expect(try await cluster.command(source.node, ["GET", other]) == "mine")
        }
    }
}

@Suite struct RebalanceCommandTests {
    @Test(arguments: TestServer.matrixAndEngine) func useEmptyMastersEndsAt4096EachWithEveryKey(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(4, server: server) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 2000)
            #expect(try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0]]).exitCode == 0)

            let without = try await RClusterBinary.run(["rebalance", founders[0]])
            #expect(without.exitCode == 0)
            #expect(without.stdout.contains("*** No rebalancing needed! All nodes are within the 2.00% threshold."))

            let simulated = try await RClusterBinary.run(["rebalance", founders[0], "--cluster-use-empty-masters", "--cluster-simulate"])
            #expect(simulated.stdout.contains("Moving "))
            let plan = try await RClusterBinary.run(["rebalance", founders[0], "--use-empty-masters", "--simulate", "--json"])
            let planned = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any], "\(plan.stdout)")
            #expect(planned["schema"] as? String == "rcluster.rebalance/1")
            #expect(planned["needed"] as? Bool == true && planned["simulated"] as? Bool == true && planned["slots"] as? Int == 4096)
            #expect((planned["moves"] as? [[String: Any]])?.allSatisfy { $0["to"] as? String == "\(cluster.addresses[3])" } == true)
            let idle = try await RClusterBinary.run(["rebalance", founders[0], "--json"])
            let idleJSON = try #require(try JSONSerialization.jsonObject(with: Data(idle.stdout.utf8)) as? [String: Any], "\(idle.stdout)")
            #expect(idleJSON["needed"] as? Bool == false)
            #expect(try await cluster.command(cluster.nodes[3], ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:16384"))
            #expect(try await cluster.command(cluster.nodes[3], ["DBSIZE"]) == "0")

            let result = try await RClusterBinary.run(["rebalance", founders[0], "--use-empty-masters"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            // Not a terminal: a line per window moved, then the summary with the rate.
            #expect(result.stdout.contains("Moved slots ") && result.stdout.contains("to \(cluster.addresses[3]):"), "\(result.stdout)")
            #expect(result.stdout.contains("[OK] Rebalanced: 4096 slots and ") && result.stdout.contains(" keys/s)."))
            let counts = try await cluster.masters().map { $0.slots.reduce(0) { $0 + $1.count } }
            #expect(counts == [4096, 4096, 4096, 4096])
            #expect(try await cluster.countKeys() == 2000)
            #expect(try await RClusterBinary.reference(["check", founders[0]]).exitCode == 0)
        }
    }

    /// Ctrl-C once during a rebalance: the windows in flight finish, nothing
    /// is left open, and running it again finishes the job.
    @Test func interruptedRebalanceLeavesNothingOpenAndARerunFinishes() async throws {
        try await RedisTestCluster.withNodes(4) { cluster in
            let founders = Array(cluster.addresses.prefix(3)).map(\.description)
            #expect(try await RClusterBinary.run(["create"] + founders + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 60000)
            #expect(try await RClusterBinary.run(["add-node", "\(cluster.addresses[3])", founders[0]]).exitCode == 0)
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-rebalance-\(UUID().uuidString)").path
            defer { [output + ".out", output + ".err"].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let rebalance = try ChildProcess.spawn(RClusterBinary.path, ["rebalance", founders[0], "--use-empty-masters", "--pipeline", "1"],
                                                   stdout: .file(output + ".out"), stderr: .file(output + ".err")).process
            for _ in 0..<3000 where rebalance.isRunning {
                if (try? String(contentsOfFile: output + ".out", encoding: .utf8))?.contains("Moving ") == true { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            rebalance.signal(SIGINT)
            #expect(rebalance.waitUntilExit() == 130)
            let said = try String(contentsOfFile: output + ".err", encoding: .utf8)
            #expect(said.contains("Interrupted with no slot left open"), "\(said)")
            #expect(try await RClusterBinary.run(["check", founders[0]]).exitCode == 0)
            #expect(try await cluster.masters().map { $0.slots.reduce(0) { $0 + $1.count } } != [4096, 4096, 4096, 4096])

            let again = try await RClusterBinary.run(["rebalance", founders[0], "--use-empty-masters"])
            #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
            #expect(try await cluster.masters().map { $0.slots.reduce(0) { $0 + $1.count } } == [4096, 4096, 4096, 4096])
            #expect(try await cluster.countKeys() == 60000)
            #expect(try await RClusterBinary.reference(["check", founders[0]]).exitCode == 0)
        }
    }

    /// Weight 0 empties a master: its slots go to the others with every key,
    /// and Redis turns it into a replica once its last slot is gone (which
    /// the target's gossip can tell it before rcluster's SETSLOT does).
    @Test func weightZeroEmptiesAMasterWithEveryKey() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 20000)
            let masters = try await cluster.masters()
            let entry = "\(cluster.addresses[1])"
            let result = try await RClusterBinary.run(["rebalance", entry, "--weight", "\(masters[0].id.prefix(8))=0"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("\(masters[0].node.address) gave away its last slot and is now a replica"), "\(result.stdout)")
            let after = try await cluster.layout()
            #expect(!after.masters.contains { $0.id == masters[0].id })
            #expect(after.masters.map(\.slots.count).sorted() == [8192, 8192])
            #expect(try await cluster.countKeys() == 20000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }
}
