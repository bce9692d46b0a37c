@testable import NodeEngine
import RDB
import Testing

/// The stream's own structures, without a server: IDs at their limits, the
/// listpack nodes (deletion holes, trimming whole nodes or inside one), the
/// PEL's ordered map and the radix tree's node count.
@Suite struct StreamStructureTests {
    static let limits = StreamValue.NodeLimits(maxBytes: 4096, maxEntries: 100)

    static func stream(_ count: Int, limits: StreamValue.NodeLimits = limits) throws -> StreamValue {
        let stream = StreamValue()
        for ms in 1...count { try stream.append([Array("f".utf8), Array("\(ms)".utf8)], id: StreamID(ms: UInt64(ms), seq: 0), limits: limits) }
        return stream
    }

    @Test func idsStepAcrossTheirLimits() {
        #expect(StreamID(ms: 1, seq: .max).successor == StreamID(ms: 2, seq: 0))
        #expect(StreamID.max.successor == nil)
        #expect(StreamID(ms: 2, seq: 0).predecessor == StreamID(ms: 1, seq: .max))
        #expect(StreamID.zero.predecessor == nil)
        #expect(StreamID(key: StreamID(ms: 0x0102, seq: .max).key) == StreamID(ms: 0x0102, seq: .max))
    }

    @Test func idsParseAsStreamGenericParseIDOrReplyParsesThem() {
        func parse(_ text: String, strict: Bool = false, auto: Bool = false) -> StreamIDSyntax.Parsed? {
            StreamIDSyntax.parse(Array(text.utf8), missingSeq: 7, strict: strict, allowAutoSeq: auto)
        }
        #expect(parse("5")?.id == StreamID(ms: 5, seq: 7))
        #expect(parse("5-3")?.id == StreamID(ms: 5, seq: 3))
        #expect(parse("-")?.id == .zero)
        #expect(parse("+")?.id == .max)
        #expect(parse("+", strict: true) == nil)
        #expect(parse("5-*") == nil)
        #expect(parse("5-*", auto: true)?.seqGiven == false)
        #expect(parse("18446744073709551616") == nil)
        #expect(parse("-5") == nil)
        #expect(parse("5--1") == nil)
        // strtoull's leniency, which string2ull falls back on.
        #expect(parse(" 5")?.id.ms == 5)
        #expect(parse("+5")?.id.ms == 5)
        #expect(parse("05-1")?.id == StreamID(ms: 5, seq: 1))
        #expect(parse("1- 1")?.id.seq == 1)
    }

    @Test func nodesHoldAtMostTheirEntriesAndSameFieldsAreCompressed() throws {
        let stream = try Self.stream(250)
        #expect(stream.nodes.map { $0.validCount } == [100, 100, 50])
        #expect(stream.nodes[0].reserved == 0 && stream.nodes[2].reserved == 4096)
        let entries = stream.nodes[0].entries()
        #expect(entries.allSatisfy { $0.flags == StreamNode.sameFieldsFlag })
        try stream.append([Array("other".utf8), Array("x".utf8)], id: StreamID(ms: 300, seq: 0), limits: Self.limits)
        #expect(stream.nodes[2].entries().last?.flags == 0)
        #expect(stream.pairs(of: StreamID(ms: 300, seq: 0)) == [Array("other".utf8), Array("x".utf8)])
        #expect(throws: StreamValue.AppendError.notGreater) {
            try stream.append([[1], [2]], id: StreamID(ms: 300, seq: 0), limits: Self.limits)
        }
    }

    @Test func deletionLeavesTombstonesUntilANodeEmpties() throws {
        let stream = try Self.stream(3)
        #expect(stream.delete(StreamID(ms: 2, seq: 0)))
        #expect(!stream.delete(StreamID(ms: 2, seq: 0)))
        #expect(stream.nodes[0].validCount == 2 && stream.nodes[0].deletedCount == 1)
        #expect(!stream.exists(StreamID(ms: 2, seq: 0)))
        #expect(stream.delete(StreamID(ms: 1, seq: 0)) && stream.delete(StreamID(ms: 3, seq: 0)))
        #expect(stream.nodes.isEmpty && stream.length == 0)
    }

    @Test func trimmingRemovesWholeNodesThenMarksEntries() throws {
        let exact = try Self.stream(250)
        #expect(exact.trim(.maxLength(120), approximate: false, limit: 0) == 130)
        #expect(exact.nodes.count == 2 && exact.nodes[0].deletedCount == 30)
        #expect(exact.firstID == StreamID(ms: 131, seq: 0))
        let approximate = try Self.stream(250)
        #expect(approximate.trim(.maxLength(120), approximate: true, limit: 10_000) == 100)
        #expect(approximate.length == 150)
        let limited = try Self.stream(250)
        #expect(limited.trim(.maxLength(0), approximate: true, limit: 150) == 100)
        let byID = try Self.stream(250)
        #expect(byID.trim(.minID(StreamID(ms: 201, seq: 0)), approximate: false, limit: 0) == 200)
        #expect(byID.edgeID(first: true) == StreamID(ms: 201, seq: 0))
        #expect(byID.trim(.minID(.max), approximate: false, limit: 0) == 50 && byID.length == 0 && byID.firstID == .zero)
    }

    @Test func theOrderedMapKeepsOrderAcrossChunks() {
        var map = SortedIDMap<Int>()
        var random = SplitMix64Generator(seed: 3)
        var reference = Set<UInt64>()
        for _ in 0..<5000 {
            let ms = UInt64.random(in: 0..<20_000, using: &random)
            #expect(map.insert(StreamID(ms: ms, seq: 0), Int(ms)) == reference.insert(ms).inserted)
        }
        for ms in reference.sorted().enumerated().filter({ $0.offset % 2 == 0 }).map(\.element) {
            #expect(map.remove(StreamID(ms: ms, seq: 0)) == Int(ms))
            reference.remove(ms)
        }
        #expect(map.ids.map(\.ms) == reference.sorted() && map.count == reference.count)
        let middle = reference.sorted()[reference.count / 2]
        #expect(map.entry(atOrAfter: StreamID(ms: middle, seq: 0))?.value == Int(middle))
        #expect(map[StreamID(ms: 20_001, seq: 0)] == nil)
    }

    /// rax's numnodes for keys as raxInsert builds the tree (counted on redis-server 7.0.15).
    @Test func radixTreeNodesCountAsRaxBuildsThem() throws {
        #expect(StreamValue().radixTreeNodes == 1)
        #expect(try Self.stream(1).radixTreeNodes == 2)
        let two = StreamValue.radixTreeNodes([StreamID(ms: 1, seq: 0).key, StreamID(ms: 2, seq: 0).key])
        #expect(two == 6)
        // 250 entries of 1..250 ms: masters 1, 101 and 201.
        #expect(try Self.stream(250).radixTreeNodes == 8)
    }
}

/// lazyfreed_objects as unit/lazyfree counts it: UNLINK of a stream whose
/// free effort (radix tree nodes, groups and their PELs) passes 64 counts one,
/// a small one none; FLUSHALL ASYNC counts every key.
@Suite struct LazyFreeCountTests {
    static func lazyfreed(_ node: EngineHarness) -> String {
        node.run("INFO", "memory").split(separator: "\r\n").first { $0.hasPrefix("lazyfreed_objects:") }.map(String.init) ?? "missing"
    }

    @Test func streamsAndFlushesCountAsRedisServerCountsThem() throws {
        let node = try EngineHarness()
        node.run("CONFIG", "SET", "stream-node-max-entries", "5")
        for id in 1...1000 { node.run("XADD", "stream", "\(id)-0", id % 10 == 0 ? "bar" : "foo", "\(id)") }
        node.run("XGROUP", "CREATE", "stream", "mygroup", "0")
        node.run("XREADGROUP", "GROUP", "mygroup", "Alice", "COUNT", "2", "STREAMS", "stream", ">")
        #expect(node.run("UNLINK", "stream") == ":1\r\n")
        #expect(Self.lazyfreed(node) == "lazyfreed_objects:1")
        node.run("CONFIG", "RESETSTAT")
        node.run("XADD", "s", "1-0", "a", "b")
        node.run("UNLINK", "s")
        node.run("SET", "a", "1")
        node.run("DEL", "a")
        #expect(Self.lazyfreed(node) == "lazyfreed_objects:0")
        node.run("MSET", "a", "1", "b", "2", "c", "3")
        node.run("FLUSHALL", "ASYNC")
        #expect(Self.lazyfreed(node) == "lazyfreed_objects:3")
    }
}
