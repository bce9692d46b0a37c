@testable import NodeEngine
import Testing

/// OBJECT FREQ and IDLETIME from the access stamps as evict.c keeps them:
/// a new key starts at 5 under LFU, the first access always counts, later
/// ones less and less, and the counter decays with lfu-decay-time.
@Suite struct AccessStampTests {
    @Test func lfuCountsAccessesLogarithmicallyAndDecays() throws {
        let node = try EngineHarness(["--maxmemory-policy", "allkeys-lfu"])
        node.run("SET", "k", "v")
        #expect(node.run("OBJECT", "FREQ", "k") == ":5\r\n")
        node.run("GET", "k")
        #expect(node.run("OBJECT", "FREQ", "k") == ":6\r\n")
        for _ in 0..<2000 { node.run("GET", "k") }
        let reply = node.run("OBJECT", "FREQ", "k")
        let counted = Int(reply.dropFirst().prefix(while: \.isNumber)) ?? -1
        #expect(counted > 10 && counted < 40, "2000 reads counted as \(reply)")
        node.clock.advance(milliseconds: 3 * 60_000)
        #expect(node.run("OBJECT", "FREQ", "k") == ":\(counted - 3)\r\n")
        #expect(node.run("OBJECT", "IDLETIME", "k").hasPrefix("-ERR An LFU maxmemory policy is selected"))
    }

    @Test func restoreSetsTheFrequencyOrTheIdleTimeOfItsPolicy() throws {
        let node = try EngineHarness(["--maxmemory-policy", "allkeys-lfu"])
        node.run("SET", "k", "v")
        let payload = EngineHarness.bulk(node.run(bytes: [Array("DUMP".utf8), Array("k".utf8)]))!
        func restore(_ options: [String]) -> [UInt8] {
            node.run(bytes: [Array("RESTORE".utf8), Array("r".utf8), [48], payload] + options.map { Array($0.utf8) })
        }
        #expect(restore(["FREQ", "100"]) == Array("+OK\r\n".utf8))
        #expect(node.run("OBJECT", "FREQ", "r") == ":100\r\n")
        node.run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        #expect(restore(["REPLACE", "IDLETIME", "1000"]) == Array("+OK\r\n".utf8))
        #expect(node.run("OBJECT", "IDLETIME", "r") == ":1000\r\n")
    }

    /// TYPE, EXISTS, TTL and OBJECT read a key without making it recent.
    @Test func inspectionLeavesTheIdleTime() throws {
        let node = try EngineHarness()
        node.run("SET", "k", "v")
        node.clock.advance(milliseconds: 5000)
        for command in [["TYPE", "k"], ["EXISTS", "k"], ["TTL", "k"], ["PTTL", "k"], ["OBJECT", "ENCODING", "k"], ["MEMORY", "USAGE", "k"]] {
            node.run(command)
        }
        #expect(node.run("OBJECT", "IDLETIME", "k") == ":5\r\n")
        node.run("GET", "k")
        #expect(node.run("OBJECT", "IDLETIME", "k") == ":0\r\n")
    }
}
