import Foundation
import Testing
import TestSupport

/// The issue's acceptance test: 4,000 slots move while a cluster-aware
/// client (redis-py's RedisCluster) keeps writing and reading.
@Suite struct LiveReshardTests {
    @Test(arguments: TestServer.matrixAndEngine) func reshard4000SlotsUnderALiveClientLosesNoAcknowledgedWrite(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(6, server: server) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--replicas", "1", "--yes"]).exitCode == 0)
            try await cluster.fill(keys: 20000)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-live-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let stopFile = folder.appendingPathComponent("stop").path
            let report = folder.appendingPathComponent("report.json").path
            let progressFile = folder.appendingPathComponent("progress").path
            let acknowledged = { Int((try? String(contentsOfFile: progressFile, encoding: .utf8)) ?? "") ?? 0 }
            let writer = try ChildProcess.spawn("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/cluster_writer.py", "--startup", "\(cluster.addresses[0])",
                                                            "--keys", "2000", "--stop-file", stopFile, "--report", report,
                                                            "--progress", progressFile],
                                                stderr: .file(folder.appendingPathComponent("writer.log").path)).process
            defer { writer.signal(SIGKILL); writer.waitUntilExit() }
            for _ in 0..<100 where acknowledged() == 0 { try await Task.sleep(for: .milliseconds(100)) }
            let writesBefore = acknowledged()

            let masters = try await cluster.masters()
            let result = try await RClusterBinary.run(["reshard", "\(cluster.addresses[0])", "--from", "all", "--to", masters[0].id,
                                                       "--slots", "4000", "--yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Moved 4000 slots"))
            // The client was writing while the slots moved (on Valkey the
            // atomic jobs take well under a second).
            #expect(acknowledged() > writesBefore, "the client wrote nothing during the reshard")

            _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
            for _ in 0..<600 where writer.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            let log = (try? String(contentsOfFile: folder.appendingPathComponent("writer.log").path, encoding: .utf8)) ?? ""
            let data = try #require(FileManager.default.contents(atPath: report), "the writer left no report: \(log)")
            let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            print("live client during the reshard: \(summary.filter { $0.key != "lost" && $0.key != "stale" })")
            #expect((summary["writes"] as? Int ?? 0) > writesBefore, "\(summary)")
            #expect((summary["lost"] as? [String])?.isEmpty == true, "\(summary)")
            #expect((summary["stale"] as? [String])?.isEmpty == true, "\(summary)")
            #expect(summary["bad_reads"] as? Int == 0, "\(summary)")

            let check = try await RClusterBinary.reference(["check", "\(cluster.addresses[0])"])
            #expect(check.exitCode == 0, "\(check.stdout)")
            #expect(!check.stdout.contains("[WARNING]"))
            #expect(try await cluster.countKeys() == 22000)
        }
    }
}
