@testable import NodeEngine
import Testing

/// The keyspace alone, with an injected clock: expiry in microseconds.
@Suite struct KeyspaceTests {
    @Test func keysExpireLazilyWhenTheirTimeComes() throws {
        let node = try EngineHarness()
        #expect(node.run("SET", "k", "v", "PX", "1500") == "+OK\r\n")
        #expect(node.run("PTTL", "k") == ":1500\r\n")
        #expect(node.run("TTL", "k") == ":2\r\n")  // rounded as redis-server rounds
        node.clock.advance(milliseconds: 1499)
        #expect(node.run("GET", "k") == "$1\r\nv\r\n")
        // At its very millisecond it is still there (keyIsExpired: now > when), with 0 left.
        node.clock.advance(milliseconds: 1)
        #expect(node.run("GET", "k") == "$1\r\nv\r\n")
        #expect(node.run("PTTL", "k") == ":0\r\n")
        node.clock.advance(milliseconds: 1)
        #expect(node.run("GET", "k") == "$-1\r\n")
        #expect(node.run("DBSIZE") == ":0\r\n")
        #expect(node.engine.stats.expiredKeys == 1)
    }

    @Test func theActiveCycleRemovesExpiredKeysNobodyReads() throws {
        let node = try EngineHarness()
        for index in 0..<200 { node.run("SET", "k\(index)", "v", "PX", index < 150 ? "10" : "100000") }
        node.clock.advance(milliseconds: 20)
        for _ in 0..<50 { node.engine.cron() }
        #expect(node.run("DBSIZE") == ":50\r\n")
        node.run("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    }

    @Test func expireOptionsFollowRedis() throws {
        let node = try EngineHarness()
        node.run("SET", "k", "v")
        #expect(node.run("EXPIRE", "k", "100", "XX") == ":0\r\n")
        #expect(node.run("EXPIRE", "k", "100", "NX") == ":1\r\n")
        #expect(node.run("EXPIRE", "k", "50", "GT") == ":0\r\n")
        #expect(node.run("EXPIRE", "k", "50", "LT") == ":1\r\n")
        #expect(node.run("EXPIRE", "k", "50", "NX", "XX") == "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n")
        #expect(node.run("EXPIRE", "k", "50", "GT", "LT") == "-ERR GT and LT options at the same time are not compatible\r\n")
        #expect(node.run("EXPIRE", "k", "50", "YY") == "-ERR Unsupported option YY\r\n")
        #expect(node.run("PERSIST", "k") == ":1\r\n")
        #expect(node.run("TTL", "k") == ":-1\r\n")
        #expect(node.run("TTL", "missing") == ":-2\r\n")
        #expect(node.run("EXPIRE", "k", "-1") == ":1\r\n")
        #expect(node.run("EXISTS", "k") == ":0\r\n")
    }

    @Test func theTableSurvivesGrowthShrinkageAndScan() throws {
        var table = KeyTable<Int>(seed: 7)
        for index in 0..<5000 { table.insert(Array("key\(index)".utf8), index) }
        for index in stride(from: 0, to: 5000, by: 2) { table.remove(at: table.find(Array("key\(index)".utf8))!) }
        #expect(table.count == 2500)
        for index in 0..<5000 {
            let found = table.find(Array("key\(index)".utf8))
            #expect((found != nil) == (index % 2 == 1))
            if let found { #expect(table[value: found] == index) }
        }
        var seen: Set<[UInt8]> = []
        var cursor: UInt64 = 0
        repeat { cursor = table.scan(cursor: cursor) { seen.insert(table.keys[$0]) } } while cursor != 0
        #expect(seen.count == 2500)
        for index in 0..<2500 { table.remove(at: 0) }
        #expect(table.isEmpty)
    }

    @Test func encodingsFollowTheThresholds() throws {
        let node = try EngineHarness(["--hash-max-listpack-entries", "2", "--set-max-intset-entries", "2"])
        node.run("SET", "i", "123")
        node.run("SET", "e", String(repeating: "x", count: 44))
        node.run("SET", "r", String(repeating: "x", count: 45))
        #expect(node.run("OBJECT", "ENCODING", "i") == "$3\r\nint\r\n")
        #expect(node.run("OBJECT", "ENCODING", "e") == "$6\r\nembstr\r\n")
        #expect(node.run("OBJECT", "ENCODING", "r") == "$3\r\nraw\r\n")
        node.run("APPEND", "i", "4")
        #expect(node.run("OBJECT", "ENCODING", "i") == "$3\r\nraw\r\n")
    }
}

@Suite struct SlowlogTests {
    @Test func slowCommandsAreLoggedNewestFirstWithTheirArgumentsTruncated() throws {
        let node = try EngineHarness(["--slowlog-log-slower-than", "0", "--slowlog-max-len", "2"])
        node.run("PING")
        node.run("SET", "k", String(repeating: "v", count: 200))
        node.run(["RPUSH", "l"] + (0..<40).map { "e\($0)" })
        // The clock does not move: every command takes 0 us, which is >= 0.
        let log = node.run("SLOWLOG", "GET")
        let rpush = ["RPUSH", "l"] + (0..<29).map { "e\($0)" } + ["... (11 more arguments)"]
        let set = ["SET", "k", String(repeating: "v", count: 128) + "... (72 more bytes)"]
        func entry(_ id: Int, _ words: [String]) -> String {
            "*6\r\n:\(id)\r\n:1700000000\r\n:0\r\n*\(words.count)\r\n" + words.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
                + "$15\r\n127.0.0.1:50000\r\n$0\r\n\r\n"
        }
        #expect(log == "*2\r\n" + entry(2, rpush) + entry(1, set))
        #expect(node.run("SLOWLOG", "LEN") == ":2\r\n")
        #expect(node.run("SLOWLOG", "RESET") == "+OK\r\n")
        #expect(node.run("SLOWLOG", "GET", "-2") == "-ERR count should be greater than or equal to -1\r\n")
    }
}
