import Foundation
import RedisClient
import Testing
import TestSupport

/// `rcluster backup` on a real cluster: each RDB loads into a plain
/// redis-server with exactly its master's keys; nodes.json names the layout.
@Suite struct BackupCommandTests {
    /// On the engine, the RDBs load into redis-server 7.0.15 (loading RDB
    /// files into the engine is its persistence step, still to come).
    @Test(arguments: TestServer.matrixAndEngine) func eachMastersRDBLoadsBackWithItsKeys(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(6, server: server) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"]).exitCode == 0)
            try await cluster.fill(keys: 3000)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-backup-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let result = try await RClusterBinary.run(["backup", "\(cluster.addresses[0])", folder])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Backup of 3 masters"))

            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/nodes.json"))) as? [String: Any])
            #expect(manifest["schema"] as? String == "rcluster.backup/1")
            let nodes = try #require(manifest["nodes"] as? [[String: Any]])
            #expect(nodes.count == 6)
            let files = nodes.compactMap { $0["rdb"] as? String }
            #expect(files.count == 3)
            // Each RDB was read back: its keys per slot, all in slots its master owned.
            let masters = nodes.filter { $0["rdb"] != nil }
            if server == .valkey91 {
                #expect(masters.allSatisfy { ($0["verified"] as? String)?.hasPrefix("checksum only: VALKEY RDB version") == true })
            } else {
                #expect(masters.allSatisfy { $0["verified"] as? String == "checksum and keys" })
                #expect(masters.compactMap { $0["keys"] as? Int }.reduce(0, +) == 3000)
                for master in masters {
                    let bySlot = try #require(master["keysBySlot"] as? [String: Int])
                    #expect(bySlot.values.reduce(0, +) == master["keys"] as? Int)
                    #expect(bySlot.values.allSatisfy { $0 > 0 })
                }
                #expect(!result.stderr.contains("WARNING"), "\(result.stderr)")
            }

            var total: Int64 = 0
            for file in files {
                let restored = try RedisServerProcess(cluster: false, extraArguments: ["--dir", folder, "--dbfilename", file],
                                                      server: server == .engine ? .redis70 : server)
                defer { restored.kill() }
                try await restored.waitUntilReady()
                let connection = try await RedisConnection.connect(to: restored.address)
                total += try await connection.send(["DBSIZE"]).int ?? 0
                await connection.close()
            }
            #expect(total == 3000)
        }
    }

    /// Docs/backup.md's restore, as a user follows it: one new cluster node
    /// per RDB (each claims the slots it holds keys in), CLUSTER MEET, then
    /// `rcluster fix` gives out the empty slots; every key is served again.
    /// A backup of engine nodes restores into redis-server nodes, and the reverse.
    @Test(arguments: [(TestServer.redis70, TestServer.redis70), (.engine, .redis70), (.redis70, .engine)])
    func aBackupRestoresIntoANewClusterThroughFix(source: TestServer, target: TestServer) async throws {
        try await RedisTestCluster.withNodes(3, server: source) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 3000)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-restore-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            #expect(try await RClusterBinary.run(["backup", "\(cluster.addresses[0])", folder]).exitCode == 0)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/nodes.json"))) as? [String: Any])
            let files = try #require(manifest["nodes"] as? [[String: Any]]).compactMap { $0["rdb"] as? String }
            #expect(files.count == 3)

            let restored = try files.enumerated().map { index, file in
                try RedisServerProcess(cluster: true, extraArguments: ["--dir", folder, "--dbfilename", file,
                                                                       "--cluster-config-file", "restored-\(index).conf"], server: target)
            }
            defer { restored.forEach { $0.kill() } }
            for node in restored { try await node.waitUntilReady() }
            let entry = restored[0]
            let connection = try await RedisConnection.connect(to: entry.address)
            defer { Task { await connection.close() } }
            for node in restored.dropFirst() { _ = try await connection.send(["CLUSTER", "MEET", node.host, "\(node.port)"]) }
            for _ in 0..<200 {
                let view = try await connection.send(["CLUSTER", "NODES"]).string ?? ""
                if view.split(separator: "\n").count == 3 && !view.contains("handshake") { break }
                try await Task.sleep(for: .milliseconds(25))
            }

            let fixed = try await RClusterBinary.run(["fix", "\(entry.address)", "--yes"])
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(fixed.stdout.contains("owned by no one reachable"))
            #expect(try await RClusterBinary.reference(["check", "\(entry.address)"]).exitCode == 0)
            var total: Int64 = 0
            for node in restored {
                let session = try await RedisConnection.connect(to: node.address)
                total += try await session.send(["DBSIZE"]).int ?? 0
                await session.close()
            }
            #expect(total == 3000)
        }
    }
}
