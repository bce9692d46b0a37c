import ClusterModel
import Foundation
import RedisClient
import Testing
import TestSupport

/// `rcluster import` from a real standalone redis-server into a real cluster.
@Suite struct ImportCommandTests {
    private func standalone(keys: Int, server kind: TestServer) async throws -> RedisServerProcess {
        let server = try RedisServerProcess(cluster: false, server: kind)
        try await server.waitUntilReady()
        let connection = try await RedisConnection.connect(to: server.address)
        for start in stride(from: 0, to: keys, by: 1000) {
            _ = try await connection.pipeline((start..<min(start + 1000, keys)).map { ["SET", "imported:\($0)", "from-source-\($0)"] })
        }
        _ = try await connection.send(["SELECT", "1"])
        _ = try await connection.send(["SET", "elsewhere", "x"])
        await connection.close()
        return server
    }

    private func dbsize(_ server: RedisServerProcess) async throws -> Int64 {
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        return try await connection.send(["DBSIZE"]).int ?? -1
    }

    /// On redis-server, and on the engine as both the source and the cluster.
    @Test(arguments: [TestServer.redis70, .engine])
    func copiesThenRefusesBusyKeysThenMovesWithReplace(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(3, server: server) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let source = try await standalone(keys: 5000, server: server)
            defer { source.kill(); source.removeFiles() }
            let entry = "\(cluster.addresses[0])"

            let copied = try await RClusterBinary.run(["import", entry, "--from", "\(source.address)", "--cluster-copy"])
            #expect(copied.exitCode == 0, "\(copied.stdout)\(copied.stderr)")
            #expect(copied.stdout.contains("*** Importing 5000 keys from DB 0"))
            #expect(copied.stdout.contains("[WARNING] db1 hold keys too"))
            #expect(copied.stdout.contains("[OK] Copied 5000 keys"))
            #expect(try await cluster.countKeys() == 5000)
            #expect(try await dbsize(source) == 5000)

            let busy = try await RClusterBinary.run(["import", entry, "--from", "\(source.address)"])
            #expect(busy.exitCode == 1)
            #expect(busy.stderr.contains("already holds one of the keys") && busy.stderr.contains("--replace"), "\(busy.stderr)")

            let moved = try await RClusterBinary.run(["import", entry, "--from", "\(source.address)", "--replace"])
            #expect(moved.exitCode == 0, "\(moved.stderr)")
            #expect(moved.stdout.contains("[OK] Moved 5000 keys"))
            #expect(try await dbsize(source) == 0)
            #expect(try await cluster.countKeys() == 5000)
            for index in stride(from: 0, to: 5000, by: 97) {
                #expect(try await cluster.get("imported:\(index)") == "from-source-\(index)")
            }
            let check = try await RClusterBinary.reference(["check", entry])
            #expect(check.exitCode == 0)
        }
    }

    @Test func refusesAClusterNodeAsTheSource() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let result = try await RClusterBinary.run(["import", "\(cluster.addresses[0])", "--from", "\(cluster.addresses[1])"])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("\(cluster.addresses[1]) is a cluster node"), "\(result.stderr)")
        }
    }
}
