@testable import NodeEngine
import Testing

/// MEMORY USAGE of values built as below, against the figures redis-server
/// 7.0.15 (jemalloc) gave for the same commands: multi-node quicklists, a
/// hash table, a long raw string.
@Suite struct MemoryEstimateTests {
    @Test func largerValuesMatchRedisServersFigures() throws {
        let node = try EngineHarness()
        node.run(["RPUSH", "bl"] + (0..<2000).map { "element-\($0)" })
        node.run(["HSET", "bh"] + (0..<300).flatMap { ["field\($0)", "value\($0)"] })
        node.run(["RPUSH", "nums"] + (0..<1000).map(String.init))
        node.run("SET", "s5", String(repeating: "y", count: 1000))
        let figures = ["bl": 27384, "bh": 6192, "nums": 3200, "s5": 1072]
        for (key, bytes) in figures {
            #expect(node.run("MEMORY", "USAGE", key) == ":\(bytes)\r\n", "\(key)")
        }
    }

    @Test(arguments: [(1, 8), (8, 8), (9, 16), (17, 32), (128, 128), (129, 160), (257, 320), (641, 768), (4097, 5120), (16385, 20480)])
    func jemallocSizeClasses(size: Int, allocated: Int) {
        #expect(MemoryEstimate.jemalloc(size) == allocated)
    }
}
