import Foundation
import RedisClient
import Testing
import TestSupport

/// `rcluster backup` on a real cluster: each RDB loads into a plain
/// redis-server with exactly its master's keys; nodes.json names the layout.
@Suite struct BackupCommandTests {
    @Test func eachMastersRDBLoadsBackWithItsKeys() async throws {
        try await RedisTestCluster.withNodes(6) { cluster in
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

            var total: Int64 = 0
            for file in files {
                let restored = try RedisServerProcess(cluster: false, extraArguments: ["--dir", folder, "--dbfilename", file])
                defer { restored.kill() }
                try await restored.waitUntilReady()
                let connection = try await RedisConnection.connect(to: restored.address)
                total += try await connection.send(["DBSIZE"]).int ?? 0
                await connection.close()
            }
            #expect(total == 3000)
        }
    }
}
