import Foundation
import RDB
import Testing
import TestSupport

/// DUMP payloads: the spec's vectors, and payloads captured from a real
/// redis-server 7.0.15 (Tests/Fixtures/capture-scripts/capture_dump.py) for
/// every type and encoding: each decodes to what was stored, and where
/// Redis's own layout is deterministic, encodes back byte for byte.
@Suite struct DumpPayloadTests {
    static let fixtures = ((try? Fixtures.files(in: "dump", withExtension: "bin")) ?? []).map { String($0.dropFirst(5).dropLast(4)) }
    /// Payloads whose layout does not depend on a hash table's order or on
    /// quicklist node sizing (LZF is redis-server's lzf_c, byte for byte).
    static let exact: Set<String> = ["string-raw", "string-int", "string-negative-int", "string-binary", "string-lzf", "list-small",
                                     "hash-listpack", "zset-listpack", "zset-skiplist"]

    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    @Test func theSpecVectorsHold() throws {
        #expect(CRC64.checksum(Array("123456789".utf8)) == 0xE9C6_D914_C4B8_D9CA)
        #expect(DumpPayload.encode(.string(Array("bar".utf8))) == Self.hex("00 03 626172 0a00 e6be4960ee66fd17"))
        #expect(DumpPayload.encode(.string(Array("10".utf8))) == Self.hex("00 c00a 0a00 6e9f57450eae63bb"))
        #expect(DumpPayload.encode(.hash([(Array("a".utf8), Array("1".utf8))], encoding: .listpack))
                == Self.hex("10 0c 0c000000 0200 816102 0101 ff 0a00 84a693e8aa17e4db"))
    }

    @Test func rdbFilesMatchTheSpecVectors() {
        var empty = RDBFileWriter(aux: [])
        #expect(empty.finish() == Self.hex("524544495330303130ff a9fd37fe89a77eeb"))
        var one = RDBFileWriter(aux: [])
        one.selectDatabase(0, keys: 1, expires: 0)
        one.write(key: Array("foo".utf8), value: .string(Array("bar".utf8)), expireAt: nil)
        #expect(one.finish() == Self.hex("524544495330303130 fe00 fb0100 00 03666f6f 03626172 ff a125e41c1ad07c4c"))
    }

    @Test(arguments: fixtures)
    func aRealPayloadDecodesToWhatWasStored(name: String) throws {
        let payload = try Fixtures.bytes("dump/\(name).bin")
        let expected = try JSONSerialization.jsonObject(with: Data(try Fixtures.bytes("dump/\(name).json"))) as! [String: Any]
        let items = (expected["items"] as! [String]).map(Self.hex)
        let value = try DumpPayload.decode(payload)
        switch (expected["type"] as! String, value) {
        case ("string", .string(let bytes)): #expect(bytes == items[0])
        case ("list", .list(let elements)): #expect(elements == items)
        case ("set", .set(let members, let encoding)):
            #expect(Set(members) == Set(items))
            #expect((encoding == .intset) == (expected["encoding"] as! String == "intset"))
        case ("hash", .hash(let pairs, let encoding)):
            let got: Set<[UInt8]> = Set(pairs.map { $0.field + [0] + $0.value })
            var want: Set<[UInt8]> = []
            for index in stride(from: 0, to: items.count, by: 2) { want.insert(items[index] + [0] + items[index + 1]) }
            #expect(got == want)
            #expect((encoding == .listpack) == (expected["encoding"] as! String == "listpack"))
        case ("zset", .sortedSet(let entries, let encoding)):
            var scores: [[UInt8]: Double] = [:]
            for index in stride(from: 0, to: items.count, by: 2) {
                scores[items[index]] = Double(String(decoding: items[index + 1], as: UTF8.self))!
            }
            #expect(entries.count == scores.count)
            for entry in entries { #expect(scores[entry.member] == entry.score) }
            #expect((encoding == .listpack) == (expected["encoding"] as! String == "listpack"))
        default:
            Issue.record("\(name) decoded to \(value)")
        }
        // Whatever we write, we read back the same.
        #expect(try DumpPayload.decode(DumpPayload.encode(value)) == value)
        if Self.exact.contains(name) {
            #expect(DumpPayload.encode(value) == payload, "\(name): our layout differs from redis-server's")
        }
    }

    @Test func corruptPayloadsAreRefusedNeverTrapped() throws {
        let payload = try Fixtures.bytes("dump/hash-listpack.bin")
        var newer = payload
        newer[newer.count - 10] = 11
        #expect(throws: DumpPayload.Failure.versionOrChecksum) { try DumpPayload.decode(newer) }
        var flipped = payload
        flipped[3] ^= 0x40
        #expect(throws: DumpPayload.Failure.versionOrChecksum) { try DumpPayload.decode(flipped) }
        #expect(throws: DumpPayload.Failure.versionOrChecksum) { try DumpPayload.decode([1, 2, 3]) }
        // With the checksum zeroed (not checked), broken insides are "bad data".
        var state: UInt64 = 99
        for name in Self.fixtures {
            let original = try Fixtures.bytes("dump/\(name).bin")
            for _ in 0..<2000 {
                var mutated = Array(original.dropLast(8))
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let position = Int(state >> 33) % max(1, mutated.count - 2)
                mutated[position] = UInt8(truncatingIfNeeded: state >> 17)
                if state & 7 == 0 { mutated.removeSubrange(position..<min(mutated.count - 2, position + Int(state >> 50 & 15))) }
                _ = try? DumpPayload.decode(mutated + [UInt8](repeating: 0, count: 8))
            }
        }
    }

    /// DUMP of a long repetitive string, captured from redis-server 7.0.15: lzf_c's very bytes.
    @Test func longStringsCompressAsRedisServerCompressesThem() {
        let value = Array(String(repeating: "abcabcabcabcabcabcabcabcabcabcabcabcabcabc", count: 3).utf8)
        #expect(DumpPayload.encode(.string(value)) == Self.hex("00 c3 0b 407e 03 61626361 e06f02 01 6263 0a00 7e4ace70ba08fb90"))
    }

    @Test func lzfRoundTrips() {
        for text in ["", "a", "abcabcabcabcabcabcabcabcabcabc", String(repeating: "xyz", count: 5000)] {
            let bytes = Array(text.utf8)
            if let packed = LZF.compress(bytes) {
                #expect(LZF.decompress(packed, length: bytes.count) == bytes)
            }
        }
        #expect(LZF.decompress([0xE0, 0xFF, 0x00], length: 300) == nil)
    }
}
