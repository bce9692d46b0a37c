import Foundation
import Testing
import TestSupport

/// maxmemory on a running engine: noeviction refuses writes with
/// redis-server's OOM error and keeps reads working; an allkeys policy evicts
/// keys instead, and INFO counts them.
@Suite struct MaxmemoryTests {
    private func usedMemory(_ connection: RawRESPConnection) throws -> Int {
        let info = String(decoding: try connection.command(["INFO", "memory"]), as: UTF8.self)
        let line = info.split(separator: "\r\n").first { $0.hasPrefix("used_memory:") } ?? ""
        return Int(line.dropFirst("used_memory:".count)) ?? 0
    }

    @Test func noevictionRefusesAndAllkeysLRUEvicts() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let client = try RawRESPConnection(port: engine.port)
        let limit = try usedMemory(client) + 4 * 1024 * 1024
        #expect(try client.command(["CONFIG", "SET", "maxmemory", "\(limit)"]) == Array("+OK\r\n".utf8))
        let value = String(repeating: "x", count: 10_000)
        var refused = false
        for index in 0..<2000 where !refused {
            let reply = String(decoding: try client.command(["SET", "k\(index)", value]), as: UTF8.self)
            refused = reply == "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
            if !refused { #expect(reply == "+OK\r\n", "\(reply)") }
        }
        #expect(refused, "writes were never refused under maxmemory")
        #expect(try client.command(["GET", "k0"]).count > 10_000)  // reads still work
        #expect(try client.command(["DEL", "k0"]) == Array(":1\r\n".utf8))  // DEL is not denied

        #expect(try client.command(["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"]) == Array("+OK\r\n".utf8))
        for index in 2000..<2400 {
            #expect(try client.command(["SET", "k\(index)", value]) == Array("+OK\r\n".utf8))
        }
        let stats = String(decoding: try client.command(["INFO", "stats"]), as: UTF8.self)
        let evicted = stats.split(separator: "\r\n").first { $0.hasPrefix("evicted_keys:") }.map { Int($0.dropFirst(13)) ?? 0 } ?? 0
        #expect(evicted > 0, "\(stats)")
        #expect(try usedMemory(client) <= limit + 1024 * 1024)
    }
}
