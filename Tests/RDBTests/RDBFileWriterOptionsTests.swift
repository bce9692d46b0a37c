import RDB
import Testing

/// rdbcompression and rdbchecksum as the file writer takes them.
@Suite struct RDBFileWriterOptionsTests {
    static let value = [UInt8](repeating: UInt8(ascii: "a"), count: 200)

    func file(compression: Bool, checksum: Bool) -> [UInt8] {
        var writer = RDBFileWriter(aux: [("redis-ver", "7.0.15")], compression: compression, checksum: checksum)
        writer.selectDatabase(0, keys: 1, expires: 0)
        writer.write(key: Array("k".utf8), value: .string(Self.value), expireAt: nil)
        return writer.finish()
    }

    @Test func withoutCompressionLongStringsAreWrittenAsTheyAre() throws {
        let plain = file(compression: false, checksum: true)
        let packed = file(compression: true, checksum: true)
        #expect(plain.count > packed.count + 150)
        #expect(plain.indices.contains { Array(plain[$0...].prefix(200)) == Self.value })
        _ = try RDBFileReader.read(plain) { _ in nil }
    }

    @Test func withoutChecksumTheFileEndsWithZeroAndStillReads() throws {
        let bytes = file(compression: true, checksum: false)
        #expect(bytes.suffix(8) == [0, 0, 0, 0, 0, 0, 0, 0])
        _ = try RDBFileReader.read(bytes) { _ in nil }
    }
}
