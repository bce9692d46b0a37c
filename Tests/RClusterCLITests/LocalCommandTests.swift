import Foundation
import Testing
import TestSupport

@Suite struct LocalCommandTests {
    @Test func upStatusDownOnRedisServer() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = PortAllocator.allocateRange(6)
        let options = ["--dir", directory.path, "--base-port", "\(base)"]
        defer { _ = try? ProcessRunner.runBlocking(RClusterBinary.path, ["local", "down"] + options) }

        let up = try await RClusterBinary.run(["local", "up"] + options)
        #expect(up.exitCode == 0, "\(up.stdout)\(up.stderr)")
        #expect(up.stdout.contains("[OK] Cluster is healthy."))
        #expect(try await RClusterBinary.reference(["check", "127.0.0.1:\(base)"]).exitCode == 0)

        let again = try await RClusterBinary.run(["local", "up"] + options)
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("already up"))

        let status = try await RClusterBinary.run(["local", "status"] + options)
        #expect(status.exitCode == 0)
        #expect(status.stdout.contains(">>> 6 of 6 local nodes running"))

        // Stopped without --purge, the nodes keep their cluster and rejoin on the next up;
        // down and status find the ports from the folder alone.
        let stop = try await RClusterBinary.run(["local", "down", "--dir", directory.path])
        #expect(stop.stdout.contains("Stopped 6 node(s)"))
        let restart = try await RClusterBinary.run(["local", "up", "--dir", directory.path])
        #expect(restart.exitCode == 0, "\(restart.stdout)\(restart.stderr)")
        #expect(restart.stdout.contains("up again"))

        let down = try await RClusterBinary.run(["local", "down", "--purge"] + options)
        #expect(down.stdout.contains("Stopped 6 node(s)"))
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        let after = try await RClusterBinary.run(["local", "status"] + options)
        #expect(after.exitCode == 1)
        #expect(after.stderr.contains("start them with rcluster local up"))
    }

    @Test func takenPortIsNamed() async throws {
        try await RedisTestCluster.withNodes(1) { cluster in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = cluster.addresses[0].port
            let result = try await RClusterBinary.run(["local", "up", "--dir", directory.path, "--base-port", "\(port)"])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("port \(port) (or its bus port \(port + 10000)) is taken"))
        }
    }
}
