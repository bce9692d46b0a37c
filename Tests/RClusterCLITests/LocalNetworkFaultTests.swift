import Foundation
import Testing
import TestSupport

/// `local partition|heal|slow` and the acceptance: a redis-py
/// RedisCluster application keeps working through a killed master, a
/// master partitioned from the majority and a slow node, and every write a
/// replica acknowledged (WAIT) is read back at the end.
extension LocalCommandTests {
    private static func ownLine(_ port: Int) -> String {
        let text = String(decoding: (try? RawRESPConnection(port: port).command(["CLUSTER", "NODES"])) ?? [], as: UTF8.self)
        return text.split(separator: "\n").first { $0.contains("myself") }.map(String.init) ?? ""
    }

    private static func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    private static func reply(_ port: Int, _ words: [String]) -> String {
        String(decoding: (try? RawRESPConnection(port: port).command(words)) ?? [], as: UTF8.self)
    }

    @Test func aClusterApplicationRidesThroughKillPartitionAndSlowAndKeepsItsWaitedWrites() async throws {
        try await withLocalFolder(ports: 6) { directory, base, options in
            #expect(try await RClusterBinary.run(["local", "up", "--no-password"] + options).exitCode == 0)

            let stopFile = directory.appendingPathComponent("stop").path
            let progressFile = directory.appendingPathComponent("progress").path
            let reportFile = directory.appendingPathComponent("report.json").path
            let acknowledged = { Int((try? String(contentsOfFile: progressFile, encoding: .utf8)) ?? "") ?? 0 }
            let writer = try ChildProcess.spawn("python3", [Fixtures.repositoryRoot + "/Tests/Scripts/cluster_writer.py",
                                                            "--startup", "127.0.0.1:\(base + 1)", "--keys", "300", "--wait", "100",
                                                            "--stop-file", stopFile, "--report", reportFile, "--progress", progressFile],
                                                stderr: .file(directory.appendingPathComponent("writer.log").path)).process
            defer { writer.signal(SIGKILL); writer.waitUntilExit() }
            // A master without a working replica holds each WAIT for its 100 ms: writes go on, slower.
            // On a slow node a write and its WAIT take two delays: a round of the keys takes many seconds.
            func keepsWriting(_ what: String, atLeast count: Int = 150) async throws {
                let before = acknowledged()
                #expect(try await Self.eventually(30) { acknowledged() >= before + count },
                        "the application stalled after \(what): \(acknowledged()) writes, \(before) before")
            }
            try await keepsWriting("its start")

            // A killed master: its replica takes over; started again, it follows.
            let killed = try await RClusterBinary.run(["local", "kill", "\(base)"] + options)
            let replica = try #require(killed.stdout.firstMatch(of: /its replica (\d+) should take over/).flatMap { Int($0.1) }, "\(killed.stdout)")
            #expect(try await Self.eventually(20) { Self.ownLine(replica).contains("myself,master") }, "\(replica) did not take over")
            try await keepsWriting("the kill")
            _ = try await RClusterBinary.run(["local", "start", "\(base)"] + options)
            #expect(try await Self.eventually(20) { Self.ownLine(base).contains("myself,slave") })

            // The new master cut off from the majority: it refuses writes, its replica (the old master) takes over.
            let partitioned = try await RClusterBinary.run(["local", "partition", "\(replica)"] + options)
            #expect(partitioned.exitCode == 0, "\(partitioned.stdout)\(partitioned.stderr)")
            #expect(partitioned.stdout.contains("master \(replica) is on the minority side") && partitioned.stdout.contains("its replica \(base) should take over"),
                    "\(partitioned.stdout)")
            #expect(try await Self.eventually(20) { Self.ownLine(base).contains("myself,master") }, "\(base) did not take over from the partitioned master")
            #expect(try await Self.eventually(20) { Self.reply(replica, ["SET", "probe", "x"]).hasPrefix("-CLUSTERDOWN") }, "the minority master kept taking writes")
            try await keepsWriting("the partition")
            let healed = try await RClusterBinary.run(["local", "heal"] + options)
            #expect(healed.stdout.contains("healed 6 nodes"), "\(healed.stdout)\(healed.stderr)")
            #expect(try await Self.eventually(20) { Self.ownLine(replica).contains("myself,slave") }, "the healed master did not rejoin as a replica")
            #expect(try await Self.eventually(20) { Self.reply(replica, ["CLUSTER", "INFO"]).contains("cluster_state:ok") })

            // A slow node: replies in order, late, then on time again.
            let slowed = try await RClusterBinary.run(["local", "slow", "\(base + 1)", "200"] + options)
            #expect(slowed.stdout.contains("delays every reply by 200 ms"), "\(slowed.stdout)\(slowed.stderr)")
            #expect(Self.reply(base + 1, ["DEBUG", "FAULT"]).contains("reply-delay-ms:200"))
            let pipelined = try RawRESPConnection(port: base + 1)
            try pipelined.sendRaw(Array("ECHO a\r\nDEBUG FAULT SLOW 0\r\nECHO b\r\nECHO c\r\n".utf8))
            #expect(try [pipelined.readReply(), pipelined.readReply(), pipelined.readReply(), pipelined.readReply()]
                == [Array("$1\r\na\r\n".utf8), Array("+OK\r\n".utf8), Array("$1\r\nb\r\n".utf8), Array("$1\r\nc\r\n".utf8)])
            _ = try await RClusterBinary.run(["local", "slow", "\(base + 1)", "100"] + options)
            try await keepsWriting("the slow node", atLeast: 50)
            _ = try await RClusterBinary.run(["local", "heal"] + options)
            #expect(Self.reply(base + 1, ["DEBUG", "FAULT"]).contains("reply-delay-ms:0"))

            _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
            for _ in 0..<600 where writer.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportFile))) as? [String: Any] ?? [:]
            #expect((report["waited"] as? Int ?? 0) > 100, "\(report)")
            #expect((report["lost_waited"] as? [String])?.isEmpty == true, "waited writes lost: \(report)")
            #expect((report["stale_waited"] as? [String])?.isEmpty == true, "waited writes with an older value: \(report)")
            // After the heal the nodes' views converge by gossip: check may see a stale flag for a moment, never for long.
            var check = try await RClusterBinary.run(["check", "127.0.0.1:\(base)"])
            for _ in 0..<20 where check.exitCode != 0 {
                try await Task.sleep(for: .seconds(1))
                check = try await RClusterBinary.run(["check", "127.0.0.1:\(base)"])
            }
            #expect(check.exitCode == 0, "check after the faults: \(check.stdout)\(check.stderr)")

            let unknown = try await RClusterBinary.run(["local", "partition", "\(base)", "--from", "\(base)"] + options)
            #expect(unknown.exitCode != 0 && unknown.stderr.contains("on both sides"), "\(unknown.stderr)")
        }
    }
}
