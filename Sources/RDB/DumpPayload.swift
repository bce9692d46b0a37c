/// DUMP / RESTORE payloads: an RDB object, the RDB version (10 for 7.0) and
/// a CRC-64 of both, little-endian.
public enum DumpPayload {
    public static let rdbVersion: UInt16 = 10

    public static func encode(_ value: RDBValue) -> [UInt8] {
        var writer = RDBObjectWriter()
        writer.write(value)
        var bytes = writer.bytes
        bytes += [UInt8(rdbVersion & 0xFF), UInt8(rdbVersion >> 8)]
        let crc = CRC64.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
        return bytes
    }

    public enum Failure: Error, Equatable {
        /// verifyDumpPayload: "DUMP payload version or checksum are wrong".
        case versionOrChecksum
        /// "Bad data format".
        case badData(RDBError)
    }

    public static func decode(_ payload: [UInt8]) throws(Failure) -> RDBValue {
        guard payload.count >= 10 else { throw .versionOrChecksum }
        let footer = payload.count - 10
        let version = UInt16(payload[footer]) | UInt16(payload[footer + 1]) << 8
        guard version <= rdbVersion else { throw .versionOrChecksum }
        let stored = payload[(footer + 2)...].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
        // A zero checksum means "not computed" (rdbchecksum no).
        guard stored == 0 || stored == CRC64.checksum(payload[..<(footer + 2)]) else { throw .versionOrChecksum }
        var reader = RDBObjectReader(Array(payload[..<footer]))
        let value: RDBValue
        do {
            value = try reader.readObject()
        } catch {
            throw .badData(error)
        }
        // Like redis-server, bytes after the value are not looked at.
        return value
    }
}
