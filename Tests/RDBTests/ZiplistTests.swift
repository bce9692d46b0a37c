import RDB
import Testing

/// Ziplists come only from old payloads (Redis before 7.0), so they are built
/// here byte by byte from the format (ziplist.c's header comment): every
/// string length encoding and every integer encoding.
@Suite struct ZiplistTests {
    private func ziplist(_ entries: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        var previous = 0
        for entry in entries {
            let prevlen: [UInt8] = previous < 254 ? [UInt8(previous)]
                : [0xFE] + withUnsafeBytes(of: UInt32(previous).littleEndian) { Array($0) }
            body += prevlen + entry
            previous = prevlen.count + entry.count
        }
        let count = UInt16(entries.count)
        let header = withUnsafeBytes(of: UInt32(10 + body.count + 1).littleEndian) { Array($0) } + [0, 0, 0, 0]
            + withUnsafeBytes(of: count.littleEndian) { Array($0) }
        return header + body + [0xFF]
    }

    private func string(_ length: Int) -> [UInt8] { Array(repeating: UInt8(ascii: "s"), count: length) }

    @Test func decodesEveryStringLengthAndIntegerEncoding() throws {
        let long = string(300), huge = string(20000)
        let entries: [[UInt8]] = [
            [0x01] + Array("a".utf8),                                             // 6-bit length
            [0x40 | UInt8(long.count >> 8), UInt8(long.count & 0xFF)] + long,    // 14-bit length
            [0x80] + withUnsafeBytes(of: UInt32(huge.count).bigEndian) { Array($0) } + huge,  // 32-bit length
            [0xC0] + withUnsafeBytes(of: Int16(-2).littleEndian) { Array($0) },
            [0xD0] + withUnsafeBytes(of: Int32(-70000).littleEndian) { Array($0) },
            [0xE0] + withUnsafeBytes(of: Int64.min.littleEndian) { Array($0) },
            [0xF0, 0x40, 0x42, 0x0F],                                            // 24-bit: 1,000,000
            [0xFE, 0xFB],                                                        // 8-bit: -5
            [0xF3],                                                              // immediate: 2
        ]
        let decoded = try Ziplist.decode(ziplist(entries))
        #expect(decoded.count == 9)
        #expect(decoded[0] == Array("a".utf8) && decoded[1] == long && decoded[2] == huge)
        #expect(decoded[3...].map { String(decoding: $0, as: UTF8.self) } == ["-2", "-70000", "\(Int64.min)", "1000000", "-5", "2"])
    }

    @Test(arguments: [1, 2, 5])
    func aLengthRunningPastTheEndIsAnError(header: Int) {
        let entry: [UInt8] = switch header {
        case 1: [0x3F] + string(10)
        case 2: [0x41, 0x00] + string(10)
        default: [0x80, 0, 0, 1, 0] + string(10)
        }
        #expect(throws: RDBError.self) { try Ziplist.decode(ziplist([entry])) }
        #expect(throws: RDBError.self) { try Ziplist.decode(Array(ziplist([entry]).prefix(11 + header - 1)) + [0xFF]) }
    }
}
