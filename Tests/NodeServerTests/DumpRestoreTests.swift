import Foundation
import Testing
import TestSupport

/// DUMP and RESTORE between the engine and redis-server 7.0.15, both ways,
/// for every type and encoding: the restored value has the same DEBUG
/// DIGEST-VALUE, type, encoding and TTL as the original.
@Suite struct DumpRestoreTests {
    /// Commands that build one key per type and encoding.
    static let keys: [(key: String, build: [[String]])] = {
        var keys: [(String, [[String]])] = [
            ("s:short", [["SET", "s:short", "bar"]]),
            ("s:int", [["SET", "s:int", "-123456789"]]),
            ("s:big-int", [["SET", "s:big-int", "9223372036854775807"]]),
            ("s:long", [["SET", "s:long", String(repeating: "abcdefghij", count: 300)]]),
            ("s:ttl", [["SET", "s:ttl", "expiring", "PX", "3600000"]]),
            ("l:small", [["RPUSH", "l:small", "a", "1", "-5000", "hello world"]]),
            ("i:set", [["SADD", "i:set", "1", "-2", "70000", "4294967296", "-9223372036854775808"]]),
            ("h:small", [["HSET", "h:small", "a", "1", "field", "value", "n", "-70000"]]),
            ("z:small", [["ZADD", "z:small", "1", "a", "1.5", "b", "-2", "c", "1.1", "d", "inf", "e"]]),
        ]
        keys.append(("l:nodes", [["RPUSH", "l:nodes"] + (0..<2000).map { "element-\($0)-" + String(repeating: "x", count: $0 % 90) }]))
        keys.append(("t:set", [["SADD", "t:set"] + (0..<700).map { "member-\($0)" }]))
        keys.append(("t:hash", [["HSET", "t:hash"] + (0..<600).flatMap { ["f\($0)", String(repeating: "v", count: $0 % 100)] }]))
        keys.append(("t:zset", [["ZADD", "t:zset"] + (0..<300).flatMap { ["\(Double($0) * 0.25 - 10)", "m\($0)"] }]))
        // Streams: several nodes, a deletion hole, groups with pending entries and consumers.
        var stream = (1...250).map { ["XADD", "x:stream", "\($0)-\($0 % 3)", "field", "value-\($0)", "n", "\($0 * 1000)"] }
        stream += [["XDEL", "x:stream", "7-1", "100-1"], ["XGROUP", "CREATE", "x:stream", "g1", "0"], ["XGROUP", "CREATE", "x:stream", "g2", "$"],
                   ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "x:stream", ">"],
                   ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "x:stream", ">"],
                   ["XGROUP", "CREATECONSUMER", "x:stream", "g2", "carol"], ["XACK", "x:stream", "g1", "2-2"]]
        keys.append(("x:stream", stream))
        keys.append(("x:empty", [["XADD", "x:empty", "5-0", "a", "b"], ["XDEL", "x:empty", "5-0"], ["XGROUP", "CREATE", "x:empty", "g", "$"]]))
        return keys
    }()

    private func text(_ node: RedisServerProcess, _ words: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port).command(words), as: UTF8.self)
    }

    @Test(arguments: [true, false])
    func everyTypeMovesBetweenTheEngineAndRedisServer(fromEngine: Bool) async throws {
        let engine = try RedisServerProcess(cluster: false, extraArguments: ["--enable-debug-command", "yes"], server: .engine)
        let redis = try RedisServerProcess(cluster: false, extraArguments: ["--enable-debug-command", "yes"], server: .redis70)
        defer { engine.kill(); redis.kill(); engine.removeFiles(); redis.removeFiles() }
        try await engine.waitUntilReady()
        try await redis.waitUntilReady()
        let (source, target) = fromEngine ? (engine, redis) : (redis, engine)
        let from = try RawRESPConnection(port: source.port), to = try RawRESPConnection(port: target.port)
        for (key, build) in Self.keys {
            for command in build { _ = try from.command(command) }
            let payload = try from.command(["DUMP", key])
            // The payload's bulk body, as RESTORE takes it.
            let header = payload.firstIndex(of: 10)!
            let body = Array(payload[(header + 1)..<(payload.count - 2)])
            let ttl = String(decoding: try from.command(["PTTL", key]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).dropFirst()
            var restore = Array("*4\r\n$7\r\nRESTORE\r\n$\(key.utf8.count)\r\n\(key)\r\n".utf8)
            let pttl = ttl.hasPrefix("-") ? "0" : String(ttl)
            restore += Array("$\(pttl.utf8.count)\r\n\(pttl)\r\n$\(body.count)\r\n".utf8) + body + [13, 10]
            try to.sendRaw(restore)
            #expect(String(decoding: try to.readReply(), as: UTF8.self) == "+OK\r\n", "\(key)")
            let streamProbes = key.hasPrefix("x:") ? [["XINFO", "STREAM", key], ["XINFO", "GROUPS", key], ["XPENDING", key, "g1"]] : []
            for probe in [["DEBUG", "DIGEST-VALUE", key], ["TYPE", key], ["OBJECT", "ENCODING", key]] + streamProbes {
                #expect(try from.command(probe) == (try to.command(probe)), "\(key): \(probe)")
            }
            if !ttl.hasPrefix("-") {
                let restoredTTL = Int(String(decoding: try to.command(["PTTL", key]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).dropFirst()) ?? 0
                #expect(restoredTTL > 3_500_000 && restoredTTL <= 3_600_000, "\(restoredTTL) from \(ttl)")
            }
        }
    }

    @Test func restoreAnswersEveryMistakeAsRedisServerDoes() async throws {
        // A hash {a: 1} as 7.0 dumps it, then altered copies.
        let good = "\\x10\\x0c\\x0c\\x00\\x00\\x00\\x02\\x00\\x81a\\x02\\x01\\x01\\xff\\x0a\\x00\\x84\\xa6\\x93\\xe8\\xaa\\x17\\xe4\\xdb"
        try await DifferentialHarness.compare(["restore": """
        RESTORE k 0 "\(good)"
        HGETALL k
        RESTORE k 0 "\(good)"
        RESTORE k 0 "\(good)" REPLACE
        RESTORE k2 -1 "\(good)"
        RESTORE k2 x "\(good)"
        RESTORE k2 0 "\(good)" IDLETIME -1
        RESTORE k2 0 "\(good)" FREQ 256
        RESTORE k2 0 "\(good)" IDLETIME 10 FREQ 5
        RESTORE k2 0 "\(good)" BOGUS
        RESTORE k2 0 garbage
        RESTORE k2 0 ""
        RESTORE k2 1 "\(good)" ABSTTL
        EXISTS k2
        RESTORE k2 100000 "\(good)" IDLETIME 1000
        OBJECT IDLETIME k2
        RESTORE-ASKING k3 0 "\(good)"
        DUMP nosuchkey
        DUMP k
        """])
    }
}
