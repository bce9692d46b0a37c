import ClusterModel
import NIOCore
import RESP
import Testing
import TestSupport

/// Every reply captured from a real redis-server must parse the same way
/// whether it arrives whole, byte by byte, or in random chunks.
@Suite struct RESPFixtureTests {
    static let fixtures = (try? Fixtures.files(in: "resp", withExtension: "resp")) ?? []

    @Test func fixturesExist() {
        #expect(Self.fixtures.count >= 20)
    }

    @Test(arguments: fixtures)
    func parsesWhole(path: String) throws {
        let values = try RESPStream.parseAll(try Fixtures.bytes(path), chunkSizes: { _ in Int.max })
        #expect(!values.isEmpty)
    }

    @Test(arguments: fixtures)
    func parsesByteByByte(path: String) throws {
        let bytes = try Fixtures.bytes(path)
        let whole = try RESPStream.parseAll(bytes, chunkSizes: { _ in Int.max })
        #expect(try RESPStream.parseAll(bytes, chunkSizes: { _ in 1 }) == whole)
    }

    @Test(arguments: fixtures)
    func parsesInRandomChunks(path: String) throws {
        let bytes = try Fixtures.bytes(path)
        let whole = try RESPStream.parseAll(bytes, chunkSizes: { _ in Int.max })
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<20 {
            #expect(try RESPStream.parseAll(bytes, chunkSizes: { _ in Int.random(in: 1...64, using: &random) }) == whole)
        }
    }

    @Test(arguments: fixtures)
    func reencodingParsesToTheSameValues(path: String) throws {
        let values = try RESPStream.parseAll(try Fixtures.bytes(path), chunkSizes: { _ in Int.max })
        var buffer = ByteBuffer()
        for value in values { RESPEncoder.encode(value, into: &buffer) }
        #expect(try RESPStream.parseAll(Array(buffer.readableBytesView), chunkSizes: { _ in Int.max }) == values)
    }

    @Test func knownRepliesDecodeToTheRightTypes() throws {
        #expect(try RESPStream.one("get-missing.resp") == .nullBulkString)
        #expect(try RESPStream.one("get-missing-resp3.resp") == .null)
        #expect(try RESPStream.one("incr.resp").int != nil)
        // A Lua `true` is :1 in RESP3 unless the script calls redis.setresp(3).
        #expect(try RESPStream.one("eval-true-resp3.resp") == .integer(1))
        #expect(try RESPStream.one("eval-setresp3-true.resp") == .boolean(true))
        guard case .map = try RESPStream.one("hello3.resp") else { Issue.record("HELLO 3 is not a map"); return }
        guard case .verbatimString(let format, _) = try RESPStream.one("info-server-verbatim-resp3.resp") else {
            Issue.record("INFO in RESP3 is not a verbatim string"); return
        }
        #expect(format == "txt")
        #expect(try RESPStream.parseAll(try Fixtures.bytes("resp/pipeline-3.resp"), chunkSizes: { _ in 1 }).count == 3)
        let moved = try RESPStream.one("moved-error.resp")
        #expect(moved.errorMessage?.hasPrefix("MOVED ") == true)
    }
}

enum RESPStream {
    /// Feeds bytes in chunks the way a socket would, collecting every value.
    static func parseAll(_ bytes: [UInt8], chunkSizes: (Int) -> Int) throws -> [RESPValue] {
        let parser = RESPParser()
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        var offset = 0
        while offset < bytes.count {
            let size = min(chunkSizes(offset), bytes.count - offset)
            buffer.writeBytes(bytes[offset..<(offset + size)])
            offset += size
            while let value = try parser.next(from: &buffer) { values.append(value) }
        }
        #expect(buffer.readableBytes == 0, "bytes left over after the last value")
        return values
    }

    static func one(_ name: String) throws -> RESPValue {
        let values = try parseAll(try Fixtures.bytes("resp/\(name)"), chunkSizes: { _ in Int.max })
        #expect(values.count == 1)
        return values[0]
    }
}
