import RDB
import Testing
import TestSupport

/// Whole dump.rdb files saved by real servers
/// (Tests/Fixtures/capture-scripts/capture_rdb.py): every type and encoding,
/// a TTL, a second database.
@Suite struct RDBFileReaderTests {
    private func entries(_ file: String) throws -> (entries: [String: RDBFileReader.Entry], aux: [String: String]) {
        var found: [String: RDBFileReader.Entry] = [:]
        let aux = try RDBFileReader.read(try Fixtures.bytes("rdb/\(file)")) { entry in
            found["\(entry.database)/\(String(decoding: entry.key, as: UTF8.self))"] = entry
            return nil
        }
        return (found, Dictionary(aux, uniquingKeysWith: { $1 }))
    }

    @Test(arguments: ["redis-7.0.15.rdb", "redis-6.2.14.rdb"])
    func readsEveryKeyOfARealServersFile(file: String) throws {
        let (entries, aux) = try entries(file)
        #expect(aux["redis-ver"] == (file.contains("6.2") ? "6.2.14" : "7.0.15"))
        #expect(Set(entries.keys) == ["0/s", "0/n", "0/big", "0/list", "0/ints", "0/words", "0/hash", "0/zsmall", "0/zbig", "0/ttl", "2/other"])
        #expect(entries["0/s"]?.value == .string(Array("hello".utf8)))
        #expect(entries["0/n"]?.value == .string(Array("12345".utf8)))
        #expect(entries["0/big"]?.value == .string(Array(repeating: UInt8(ascii: "a"), count: 2000)))
        #expect(entries["0/list"]?.value == .list(["a", "b", "c"].map { Array($0.utf8) }))
        guard case .set(let ints, .intset) = entries["0/ints"]?.value else { Issue.record("ints: \(String(describing: entries["0/ints"]))"); return }
        #expect(Set(ints) == Set(["1", "2", "3"].map { Array($0.utf8) }))
        guard case .set(let words, _) = entries["0/words"]?.value else { Issue.record("words"); return }
        #expect(words.count == 200)
        guard case .hash(let pairs, _) = entries["0/hash"]?.value else { Issue.record("hash"); return }
        #expect(Dictionary(uniqueKeysWithValues: pairs.map { (String(decoding: $0.field, as: UTF8.self), String(decoding: $0.value, as: UTF8.self)) })
            == ["f1": "v1", "f2": "v2"])
        guard case .sortedSet(let small, _) = entries["0/zsmall"]?.value, case .sortedSet(let big, _) = entries["0/zbig"]?.value else {
            Issue.record("sorted sets"); return
        }
        #expect(small.map(\.score) == [1, 2.5])
        #expect(big.count == 200 && Set(big.map(\.score)) == Set((0..<200).map { Double($0) / 4 }))
        #expect(entries["0/ttl"]?.expireAt == 4_102_444_800_000)
        #expect(entries["0/s"]?.expireAt == nil)
        #expect(entries["2/other"]?.value == .string(Array("db2".utf8)))
    }

    @Test func whatTheWriterWritesReadsBack() throws {
        var writer = RDBFileWriter(aux: [("redis-ver", "7.0.15")])
        writer.selectDatabase(0, keys: 2, expires: 1)
        writer.write(key: Array("a".utf8), value: .string(Array("1".utf8)), expireAt: 1_700_000_000_000)
        writer.write(key: Array("b".utf8), value: .list([Array("x".utf8)]), expireAt: nil)
        writer.selectDatabase(5, keys: 1, expires: 0)
        writer.write(key: Array("c".utf8), value: .set([Array("7".utf8)], encoding: .intset), expireAt: nil)
        var read: [RDBFileReader.Entry] = []
        let aux = try RDBFileReader.read(writer.finish()) { read.append($0); return nil }
        #expect(aux.map(\.0) == ["redis-ver"])
        #expect(read.map(\.database) == [0, 0, 5])
        #expect(read.map { String(decoding: $0.key, as: UTF8.self) } == ["a", "b", "c"])
        #expect(read[0].expireAt == 1_700_000_000_000 && read[1].expireAt == nil)
    }

    /// A stream saved by redis-server 7.0.15 (type 19) reads with its node and
    /// counters; the same value in Redis 7.2's type 21 is refused by name.
    @Test func aStreamReadsAndSevenTwosFormIsNamed() throws {
        let file = try Fixtures.bytes("rdb/redis-7.0.15-stream.rdb")
        var streams: [RDBStream] = []
        _ = try RDBFileReader.read(file) { entry in
            if case .stream(let stream) = entry.value { streams.append(stream) }
            return nil
        }
        #expect(streams.count == 1)
        #expect(streams.first?.length == 1 && streams.first?.nodes.count == 1 && streams.first?.entriesAdded == 1)
        #expect(streams.first?.nodes.first.map { try? Listpack.decode($0.listpack).count } == 10)
        var sevenTwo = file
        let at = sevenTwo.firstIndex(of: 0x13)!  // the type byte before "events"
        sevenTwo[at] = 21
        let end = sevenTwo.count - 8
        let sum = CRC64.checksum(Array(sevenTwo[0..<end]))
        for offset in 0..<8 { sevenTwo[end + offset] = UInt8(truncatingIfNeeded: sum >> UInt64(8 * offset)) }
        #expect {
            try RDBFileReader.read(sevenTwo) { _ in nil }
        } throws: { error in
            guard case RDBFileReader.Failure.unsupported(let offset, let what) = error else { return false }
            return offset > 9 && what.contains("7.2")
        }
    }

    @Test func damageIsReportedNotTrapped() throws {
        let good = try Fixtures.bytes("rdb/redis-7.0.15.rdb")
        func failure(_ bytes: [UInt8]) -> RDBFileReader.Failure? {
            do { try RDBFileReader.read(bytes) { _ in nil }; return nil } catch { return error }
        }
        #expect(failure(Array("REDIX0010".utf8) + good.dropFirst(9)) == .notAnRDBFile)
        #expect(failure(Array("REDIS0011".utf8) + good.dropFirst(9)) == .unsupportedVersion(11))
        var flipped = good
        flipped[good.count / 2] ^= 0x20
        if case .checksumMismatch = failure(flipped) {} else if case .damaged = failure(flipped) {} else {
            Issue.record("a flipped byte went unnoticed: \(String(describing: failure(flipped)))")
        }
        guard case .damaged(let offset, _) = failure(Array(good.prefix(good.count / 2))) else { Issue.record("a cut file went unnoticed"); return }
        #expect(offset <= good.count / 2)
        // Every cut and every single flipped byte: an error or a load, never a trap.
        for cut in stride(from: 0, to: good.count, by: 7) { _ = failure(Array(good.prefix(cut))) }
        for index in stride(from: 9, to: good.count - 8, by: 3) {
            var mutated = good
            mutated[index] = ~mutated[index]
            _ = failure(mutated)
        }
    }

    @Test func aRefusedEntryStopsTheLoadAtItsByte() throws {
        #expect(throws: RDBFileReader.Failure.self) {
            try RDBFileReader.read(try Fixtures.bytes("rdb/redis-7.0.15.rdb")) { entry in entry.database == 2 ? "database 2 refused" : nil }
        }
    }
}
