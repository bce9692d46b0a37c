import Foundation
import Testing
import TestSupport

/// MONITOR as redis-server prints it: the same lines for the same commands,
/// once the timestamp and the client's address are set aside.
@Suite struct MonitorTests {
    @Test func monitorLinesMatchRedisServer() async throws {
        let reference = try RedisServerProcess(cluster: false, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { reference.kill(); engine.kill(); reference.removeFiles(); engine.removeFiles() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        var seen: [[String]] = []
        for server in [reference, engine] {
            let monitor = try RawRESPConnection(port: server.port)
            let client = try RawRESPConnection(port: server.port)
            #expect(try monitor.command(["MONITOR"]) == Array("+OK\r\n".utf8))
            _ = try client.command(["SET", "k", "a \"quoted\" \n value"])
            _ = try client.command(["SELECT", "3"])
            _ = try client.command(["INCR", "n"])
            _ = try client.command(["CONFIG", "GET", "hz"])  // admin: not shown
            _ = try client.command(["GET", "k"])
            var lines: [String] = []
            for _ in 0..<4 {
                let line = String(decoding: try monitor.readReply(), as: UTF8.self)
                // "+1700000000.123456 [0 127.0.0.1:50000] ..." -> "[0] ..."
                let parts = line.split(separator: " ", maxSplits: 2)
                lines.append("\(parts[1])] \(parts[2].split(separator: "]", maxSplits: 1)[1])")
            }
            seen.append(lines)
        }
        #expect(seen[0] == seen[1], "redis-server: \(seen[0])\nengine: \(seen[1])")
        #expect(seen[1].first?.contains("\"SET\" \"k\" \"a \\\"quoted\\\" \\n value\"") == true, "\(seen[1])")
    }
}
