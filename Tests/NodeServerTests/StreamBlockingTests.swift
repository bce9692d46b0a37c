import Foundation
import Testing
import TestSupport

/// XREAD and XREADGROUP with BLOCK over real connections, the same steps on
/// redis-server 7.0.15 and on the engine: woken by XADD in arrival order,
/// a timeout, a deleted key and a destroyed group ending XREADGROUP's wait,
/// RESP3's map, and MULTI answering at once. Replies compared byte for byte.
@Suite struct StreamBlockingTests {
    static func send(_ connection: RawRESPConnection, _ words: [String]) throws {
        try connection.sendRaw(Array((["*\(words.count)"] + words.flatMap { ["$\($0.utf8.count)", $0] }).joined(separator: "\r\n").utf8) + [13, 10])
    }

    /// Waits until the node counts `count` blocked clients, so that the order is known.
    static func blocked(_ admin: RawRESPConnection, _ count: Int) async throws {
        for _ in 0..<300 {
            if String(decoding: try admin.command(["INFO", "clients"]), as: UTF8.self).contains("blocked_clients:\(count)\r\n") { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("never saw \(count) blocked clients")
    }

    static func scenario(_ node: RedisServerProcess) async throws -> [String] {
        var replies: [String] = []
        func record(_ bytes: [UInt8]) { replies.append(String(decoding: bytes, as: UTF8.self)) }
        let admin = try RawRESPConnection(port: node.port)
        for command in [["XADD", "s", "1-0", "a", "1"], ["XGROUP", "CREATE", "s", "g", "$"]] { record(try admin.command(command)) }
        let reader = try RawRESPConnection(port: node.port), first = try RawRESPConnection(port: node.port)
        let second = try RawRESPConnection(port: node.port), timed = try RawRESPConnection(port: node.port)
        try send(reader, ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])
        try await blocked(admin, 1)
        try send(first, ["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"])
        try await blocked(admin, 2)
        try send(second, ["XREADGROUP", "GROUP", "g", "c2", "BLOCK", "0", "STREAMS", "s", ">"])
        try await blocked(admin, 3)
        try send(timed, ["XREAD", "BLOCK", "100", "STREAMS", "s", "9-0"])
        try await blocked(admin, 4)
        // One entry: the plain reader and the first consumer get it, the second waits on.
        record(try admin.command(["XADD", "s", "2-0", "b", "2"]))
        record(try reader.readReply())
        record(try first.readReply())
        record(try timed.readReply())
        record(try admin.command(["XPENDING", "s", "g"]))
        record(try admin.command(["DEL", "s"]))
        record(try second.readReply())

        for command in [["XADD", "t", "1-0", "a", "1"], ["XGROUP", "CREATE", "t", "g", "$"]] { record(try admin.command(command)) }
        try send(first, ["XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "t", ">"])
        try await blocked(admin, 1)
        record(try admin.command(["XGROUP", "DESTROY", "t", "g"]))
        record(try first.readReply())
        // A wait ended by an error counts as the command's failed call.
        let stats = String(decoding: try admin.command(["INFO", "commandstats"]), as: UTF8.self)
        replies.append(stats.split(separator: "\r\n").first { $0.hasPrefix("cmdstat_xreadgroup:") }.map { String($0.split(separator: ",").suffix(2).joined(separator: ",")) } ?? "none")

        _ = try reader.command(["HELLO", "3"])
        try send(reader, ["XREAD", "BLOCK", "0", "STREAMS", "t", "$"])
        try await blocked(admin, 1)
        record(try admin.command(["XADD", "t", "5-0", "z", "1"]))
        record(try reader.readReply())
        for command in [["MULTI"], ["XREAD", "BLOCK", "0", "STREAMS", "t", "$"], ["EXEC"]] { record(try admin.command(command)) }
        return replies
    }

    @Test func blockedReadersAreServedAsRedisServerServesThem() async throws {
        let replies = try await DifferentialHarness.onBoth { node in try await Self.scenario(node) }
        #expect(replies[0].count == replies[1].count)
        for (index, (reference, engine)) in zip(replies[0], replies[1]).enumerated() where reference != engine {
            Issue.record("step \(index): redis-server \(reference.debugDescription), engine \(engine.debugDescription)")
        }
    }
}
