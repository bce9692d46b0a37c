import Foundation
import Testing
import TestSupport

/// A local cluster's password and its life across unclean stops.
extension LocalCommandTests {
    /// The default: a generated password, shown once with the connection
    /// line, required by every node, kept 0600 in redis.conf where the
    /// `local` commands find it; a second up neither changes nor shows it.
    @Test func aNewClusterGetsAGeneratedPasswordShownOnce() async throws {
        try await withLocalFolder(ports: 6) { directory, base, options in

            let up = try await RClusterBinary.run(["local", "up"] + options)
            #expect(up.exitCode == 0, "\(up.stdout)\(up.stderr)")
            let password = try #require(up.stdout.firstMatch(of: /export REDISCLI_AUTH=([0-9a-f]{32}), then redis-cli -c -p (\d+)/)
                .flatMap { $0.2 == "\(base)" ? String($0.1) : nil }, "\(up.stdout)")
            for port in base..<(base + 6) {
                #expect(String(decoding: try RawRESPConnection(port: port).command(["PING"]), as: UTF8.self).hasPrefix("-NOAUTH"), "\(port)")
                let config = directory.appendingPathComponent("\(port)/redis.conf").path
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int)
                #expect(mode == 0o600, "\(config) is \(String(mode, radix: 8))")
            }
            let check = try await RClusterBinary.run(["check", "127.0.0.1:\(base)"], environment: ["REDISCLI_AUTH": password])
            #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
            // The local commands need no password given.
            let status = try await RClusterBinary.run(["local", "status"] + options)
            #expect(status.exitCode == 0 && status.stdout.contains(">>> 6 of 6 local nodes running"), "\(status.stdout)\(status.stderr)")
            let call = try await RClusterBinary.run(["local", "call"] + options + ["PING"])
            #expect(call.stdout.split(separator: "\n").filter { $0.hasSuffix(": PONG") }.count == 6, "\(call.stdout)\(call.stderr)")

            let again = try await RClusterBinary.run(["local", "up"] + options)
            #expect(again.exitCode == 0 && again.stdout.contains("already up"), "\(again.stdout)\(again.stderr)")
            #expect(!again.stdout.contains(password) && !again.stderr.contains(password))
            let unprotected = try await RClusterBinary.run(["local", "up", "--no-password"] + options)
            #expect(unprotected.exitCode == 1 && unprotected.stderr.contains("run `rcluster local down` first"), "\(unprotected.stderr)")
            #expect(String(decoding: try RawRESPConnection(port: base).command(["PING"]), as: UTF8.self).hasPrefix("-NOAUTH"))
        }
    }

    /// What a reboot leaves: every node gone without a shutdown, pid files
    /// naming pids that are dead or now another program's. `up` says so,
    /// leaves that program alone, and brings the same cluster back with
    /// its data (the nodes' AOF).
    @Test func upAfterAnUncleanStopBringsTheSameClusterBackWithItsData() async throws {
        try await withLocalFolder(ports: 6) { directory, base, options in
            #expect(try await RClusterBinary.run(["local", "up", "--no-password"] + options).exitCode == 0)
            let ports = Array(base..<(base + 6))
            let keys = (0..<60).map { "reboot:\($0)" }
            for key in keys { #expect(try routed(["SET", key, "value of \(key)"], ports: ports) == "+OK\r\n") }
            let before = try nodeIDs(base)

            func pidFile(_ port: Int) -> URL { directory.appendingPathComponent("\(port)/redis.pid") }
            for port in ports {
                let pid = try #require(pid_t(String(contentsOf: pidFile(port), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
                kill(pid, SIGKILL)
                while kill(pid, 0) == 0 { usleep(10_000) }
            }
            // After a reboot, pid numbers are handed out again.
            let bystander = try ChildProcess.spawn("/bin/sleep", ["300"]).process
            defer { bystander.signal(SIGKILL); _ = bystander.waitUntilExit() }
            try "\(bystander.processIdentifier)\n".write(to: pidFile(base), atomically: true, encoding: .utf8)
            let finished = try ChildProcess.spawn("/bin/true", []).process
            _ = finished.waitUntilExit()
            try "\(finished.processIdentifier)\n".write(to: pidFile(base + 1), atomically: true, encoding: .utf8)

            let status = try await RClusterBinary.run(["local", "status"] + options)
            #expect(status.exitCode == 1 && status.stderr.contains("no local node is running"), "\(status.stdout)\(status.stderr)")
            let up = try await RClusterBinary.run(["local", "up"] + options)
            #expect(up.exitCode == 0, "\(up.stdout)\(up.stderr)")
            #expect(up.stdout.contains("Node \(base) was not shut down by `local down`") && up.stdout.contains("which is now another program"), "\(up.stdout)")
            #expect(up.stdout.contains("Node \(base + 1) was not shut down") && up.stdout.contains("which is gone"), "\(up.stdout)")
            #expect(up.stdout.contains("up again"), "\(up.stdout)")
            #expect(bystander.isRunning, "up signalled the program that took a stale pid")
            #expect(try nodeIDs(base) == before, "a different cluster came back")
            for key in keys { #expect(try routed(["GET", key], ports: ports) == "$\("value of \(key)".utf8.count)\r\nvalue of \(key)\r\n", "\(key)") }

            let down = try await RClusterBinary.run(["local", "down"] + options)
            #expect(down.stdout.contains("Stopped 6 node(s)"), "\(down.stdout)")
            #expect(bystander.isRunning, "down signalled the program that took a stale pid")
        }
    }

    /// A command sent to the node that owns its key: the first node, then
    /// wherever MOVED points (the cluster may still be settling: retried).
    private func routed(_ command: [String], ports: [Int]) throws -> String {
        var port = ports[0]
        for _ in 0..<50 {
            let reply = String(decoding: try RawRESPConnection(port: port).command(command), as: UTF8.self)
            if let moved = reply.firstMatch(of: /^-MOVED \d+ 127\.0\.0\.1:(\d+)/), let next = Int(moved.1) {
                port = next
                continue
            }
            if reply.hasPrefix("-CLUSTERDOWN") || reply.hasPrefix("-LOADING") {
                usleep(100_000)
                continue
            }
            return reply
        }
        return "no answer for \(command) within 50 tries"
    }

    /// The node IDs the cluster knows, as `CLUSTER NODES` lists them, sorted.
    private func nodeIDs(_ port: Int) throws -> [String] {
        let text = String(decoding: try RawRESPConnection(port: port).command(["CLUSTER", "NODES"]), as: UTF8.self)
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.count == 40 }.sorted()
    }
}
