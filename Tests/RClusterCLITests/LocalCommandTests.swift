import Foundation
import Testing
import TestSupport

/// Each test that starts a local cluster takes one of the test run's
/// cluster slots (TestLoad), as RedisTestCluster does: six to eight debug
/// nodes a test, beside the other suites' clusters, starve a 2-core machine
/// until handshakes time out.
@Suite(.serialized) struct LocalCommandTests {
    func withClusterSlot(_ body: () async throws -> Void) async throws {
        await TestLoad.clusters.acquire()
        do {
            try await body()
        } catch {
            await TestLoad.clusters.release()
            throw error
        }
        await TestLoad.clusters.release()
    }

    /// The engine (the default) and redis-server: up, a second up, status, down, up again, down --purge.
    @Test(arguments: ["engine", "redis-server"])
    func upStatusDown(engine: String) async throws {
        try await withClusterSlot {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let base = PortAllocator.allocateRange(6)
            let options = ["--dir", directory.path, "--base-port", "\(base)"] + (engine == "engine" ? [] : ["--engine", engine])
            defer { _ = try? ProcessRunner.runBlocking(RClusterBinary.path, ["local", "down"] + options) }

            let up = try await RClusterBinary.run(["local", "up", "--no-password"] + options)
            #expect(up.exitCode == 0, "\(up.stdout)\(up.stderr)")
            #expect(up.stdout.contains("[OK] Cluster is healthy."))
            #expect(up.stdout.contains(">>> 6 \(engine == "engine" ? "rcluster server" : "redis-server") nodes"))
            // up returns with every replica's first sync done.
            for port in base..<(base + 6) {
                let replication = String(decoding: try RawRESPConnection(port: port).command(["INFO", "replication"]), as: UTF8.self)
                #expect(replication.contains("role:master") || replication.contains("master_link_status:up"), "\(port): \(replication)")
            }
            #expect(try await RClusterBinary.reference(["check", "127.0.0.1:\(base)"]).exitCode == 0)

            let again = try await RClusterBinary.run(["local", "up"] + options)
            #expect(again.exitCode == 0)
            #expect(again.stdout.contains("already up"))

            // A command on every node, on one, and a node's log.
            let call = try await RClusterBinary.run(["local", "call"] + options + ["DBSIZE"])
            #expect(call.exitCode == 0 && call.stdout.split(separator: "\n").filter { $0.hasSuffix(": 0") }.count == 6, "\(call.stdout)\(call.stderr)")
            let one = try await RClusterBinary.run(["local", "call", "--node", "\(base)"] + options + ["PING"])
            #expect(one.stdout.contains("127.0.0.1:\(base): PONG"), "\(one.stdout)\(one.stderr)")
            let logs = try await RClusterBinary.run(["local", "logs", "\(base + 1)"] + options)
            #expect(logs.stdout.contains("Ready to accept connections"), "\(logs.stdout)\(logs.stderr)")
            let allLogs = try await RClusterBinary.run(["local", "logs"] + options)
            #expect(allLogs.stdout.contains("\(base + 5) | "), "\(allLogs.stdout.prefix(300))")

            let status = try await RClusterBinary.run(["local", "status"] + options)
            #expect(status.exitCode == 0)
            #expect(status.stdout.contains(">>> 6 of 6 local nodes running"))
            let rows = status.stdout.split(separator: "\n").filter { $0.hasPrefix("\(base)") || $0.hasPrefix("\(base + 3)") || $0.hasPrefix("PORT") }
            #expect(rows.first.map { $0.hasPrefix("PORT ") && $0.contains(" ROLE ") && $0.hasSuffix("LAG") } == true, "\(status.stdout)")
            #expect(status.stdout.split(separator: "\n").filter { $0.contains(" replica ") && $0.contains(" up ") }.count == 3, "\(status.stdout)")
            let json = try await RClusterBinary.run(["local", "status", "--json"] + options)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
            let nodes = try #require(parsed["nodes"] as? [[String: Any]])
            #expect(nodes.count == 6 && nodes.filter { $0["role"] as? String == "master" }.count == 3)

            // Stopped without --purge, the nodes keep their cluster and rejoin on the next up;
            // down and status find the ports from the folder alone.
            let stop = try await RClusterBinary.run(["local", "down", "--dir", directory.path])
            #expect(stop.stdout.contains("Stopped 6 node(s)"))
            let restart = try await RClusterBinary.run(["local", "up", "--dir", directory.path] + (engine == "engine" ? [] : ["--engine", engine]))
            #expect(restart.exitCode == 0, "\(restart.stdout)\(restart.stderr)")
            #expect(restart.stdout.contains("up again"))

            let down = try await RClusterBinary.run(["local", "down", "--purge"] + options)
            #expect(down.stdout.contains("Stopped 6 node(s)"))
            #expect(!FileManager.default.fileExists(atPath: directory.path))
            let after = try await RClusterBinary.run(["local", "status"] + options)
            #expect(after.exitCode == 1)
            #expect(after.stderr.contains("start them with rcluster local up"))
        }
    }

    @Test func takenPortIsNamed() async throws {
        try await RedisTestCluster.withNodes(1) { cluster in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = cluster.addresses[0].port
            let result = try await RClusterBinary.run(["local", "up", "--dir", directory.path, "--base-port", "\(port)"])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("port \(port) (or its bus port \(port + 10000)) is taken"))
            #expect(result.stderr.contains("(no node was started)"))
        }
    }

    /// A port taken midway (the fifth): every port is checked first, so
    /// nothing starts and nothing is left running.
    @Test func anUpThatCannotHaveEveryPortLeavesNothingRunning() async throws {
        let base = PortAllocator.allocateRange(6)
        let squatter = try RedisServerProcess(port: base + 4, cluster: false)
        defer { squatter.kill(); squatter.removeFiles() }
        try await squatter.waitUntilReady()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await RClusterBinary.run(["local", "up", "--dir", directory.path, "--base-port", "\(base)"])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("port \(base + 4)"), "\(result.stderr)")
        for port in base..<(base + 4) { #expect(PortAllocator.isPortFree(port), "port \(port) is in use after a failed up") }
    }

    /// The engine needs nothing on PATH: no redis-server, no redis-cli.
    @Test func upWorksWithNothingElseInstalled() async throws {
        try await withLocalFolder(ports: 6) { directory, base, options in
            let up = try await RClusterBinary.run(["local", "up", "--no-password"] + options, environment: ["PATH": "/nonexistent"])
            #expect(up.exitCode == 0, "\(up.stdout)\(up.stderr)")
            let check = try await RClusterBinary.run(["check", "127.0.0.1:\(base)"])
            #expect(check.exitCode == 0, "\(check.stdout)")
            let down = try await RClusterBinary.run(["local", "down"] + options, environment: ["PATH": "/nonexistent"])
            #expect(down.stdout.contains("Stopped 6 node(s)"))
            for port in base..<(base + 6) { #expect(PortAllocator.isPortFree(port)) }
        }
    }

    /// Faults on demand: kill a master (its replica takes over), start it
    /// again (back as a replica), fail over back by hand, stop and resume a node.
    @Test func faultsOnDemandSayWhatComesNextAndTheClusterDoesIt() async throws {
        try await withLocalFolder(ports: 6) { directory, base, options in
            #expect(try await RClusterBinary.run(["local", "up", "--no-password"] + options).exitCode == 0)

            func ownLine(_ port: Int) -> String {
                let text = String(decoding: (try? RawRESPConnection(port: port).command(["CLUSTER", "NODES"])) ?? [], as: UTF8.self)
                return text.split(separator: "\n").first { $0.contains("myself") }.map(String.init) ?? ""
            }
            func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    if condition() { return true }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return condition()
            }
            let master = base
            let killed = try await RClusterBinary.run(["local", "kill", "\(master)"] + options)
            #expect(killed.exitCode == 0, "\(killed.stdout)\(killed.stderr)")
            let replica = try #require(killed.stdout.firstMatch(of: /its replica (\d+) should take over in about 2 x node-timeout/).flatMap { Int($0.1) },
                                       "\(killed.stdout)")
            #expect(try await eventually(20) { ownLine(replica).contains("myself,master") }, "\(replica) did not take over")

            let started = try await RClusterBinary.run(["local", "start", "\(master)"] + options)
            #expect(started.stdout.contains("started again"), "\(started.stdout)\(started.stderr)")
            #expect(try await eventually(20) { ownLine(master).contains("myself,slave") }, "\(master) did not rejoin as a replica")

            let failover = try await RClusterBinary.run(["local", "failover", "\(master)"] + options)
            #expect(failover.exitCode == 0, "\(failover.stdout)\(failover.stderr)")
            #expect(try await eventually(20) { ownLine(master).contains("myself,master") }, "the manual failover did not swap back")

            let stopped = try await RClusterBinary.run(["local", "stop", "\(replica)"] + options)
            #expect(stopped.stdout.contains("replica \(replica) stopped (SIGSTOP"), "\(stopped.stdout)\(stopped.stderr)")
            let resumed = try await RClusterBinary.run(["local", "start", "\(replica)"] + options)
            #expect(resumed.stdout.contains("resumed (SIGCONT)"), "\(resumed.stdout)")
            #expect(try await eventually(20) { (try? RawRESPConnection(port: replica).command(["PING"])) == Array("+PONG\r\n".utf8) })
            let unknown = try await RClusterBinary.run(["local", "kill", "\(base + 40)"] + options)
            #expect(unknown.exitCode == 1 && unknown.stderr.contains("is not a node of the local cluster"), "\(unknown.stderr)")
        }
    }

    /// --masters sizes the cluster; a password given as to any command
    /// (REDISCLI_AUTH here) is the nodes' requirepass; later commands find
    /// the size from the folder.
    @Test func mastersAndAPassword() async throws {
        try await withClusterSlot {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let base = PortAllocator.allocateRange(8)
            let options = ["--dir", directory.path, "--base-port", "\(base)"]
            let auth = ["REDISCLI_AUTH": "local-secret"]
            defer { _ = try? ProcessRunner.runBlocking(RClusterBinary.path, ["local", "down", "--dir", directory.path]) }
            let up = try await RClusterBinary.run(["local", "up", "--masters", "4"] + options, environment: auth)
            #expect(up.exitCode == 0, "\(up.stderr)")
            #expect(up.stdout.contains(">>> 8 rcluster server nodes"))
            #expect(up.stdout.contains("REDISCLI_AUTH=<the password> redis-cli -c -p \(base)"))
            #expect(String(decoding: try RawRESPConnection(port: base).command(["PING"]), as: UTF8.self).hasPrefix("-NOAUTH"))
            let check = try await RClusterBinary.run(["check", "127.0.0.1:\(base)"], environment: auth)
            #expect(check.exitCode == 0 && check.stdout.contains("4 masters"), "\(check.stdout)")
            let status = try await RClusterBinary.run(["local", "status", "--dir", directory.path], environment: auth)
            #expect(status.stdout.contains(">>> 8 of 8 local nodes running"), "\(status.stdout)\(status.stderr)")
            let down = try await RClusterBinary.run(["local", "down", "--dir", directory.path])
            #expect(down.stdout.contains("Stopped 8 node(s)"), "\(down.stdout)")
        }
    }

    /// A cluster slot, a fresh folder and `ports` free ports for one test's
    /// local cluster; afterwards `local down`, then the folder removed.
    func withLocalFolder(ports: Int, _ body: (_ directory: URL, _ base: Int, _ options: [String]) async throws -> Void) async throws {
        try await withClusterSlot {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-local-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let base = PortAllocator.allocateRange(ports)
            let options = ["--dir", directory.path, "--base-port", "\(base)"]
            defer { _ = try? ProcessRunner.runBlocking(RClusterBinary.path, ["local", "down"] + options) }
            try await body(directory, base, options)
        }
    }
}
