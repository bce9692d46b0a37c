/// DUMP / RESTORE payloads: an RDB object, the RDB version (10 for 7.0) and
/// a CRC-64 of both, little-endian.
public enum DumpPayload {
    public static let rdbVersion: UInt16 = 10

    public static func encode(_ value: RDBValue) -> [UInt8] {
        var writer = RDBObjectWriter()
        writer.write(value)
        return sealed(writer.bytes)
    }

    /// `body` with the footer: the RDB version and the CRC-64 of both
    /// (FUNCTION DUMP seals its libraries the same way).
    public static func sealed(_ body: [UInt8]) -> [UInt8] {
        var bytes = body + [UInt8(rdbVersion & 0xFF), UInt8(rdbVersion >> 8)]
        withUnsafeBytes(of: CRC64.checksum(bytes).littleEndian) { bytes += $0 }
        return bytes
    }

    public enum Failure: Error, Equatable {
        /// verifyDumpPayload: "DUMP payload version or checksum are wrong".
        case versionOrChecksum
        /// "Bad data format".
        case badData(RDBError)
    }

    public static func decode(_ payload: [UInt8]) throws(Failure) -> RDBValue {
        guard let body = verifiedBody(payload) else { throw .versionOrChecksum }
        var reader = RDBObjectReader(body)
        do {
            // Like redis-server, bytes after the value are not looked at.
            return try reader.readObject()
        } catch {
            throw .badData(error)
        }
    }

    /// verifyDumpPayload: the bytes before the footer when the version is
    /// one 7.0 reads and the checksum holds (zero means "not computed",
    /// rdbchecksum no); nil otherwise. FUNCTION RESTORE checks the same way.
    public static func verifiedBody(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count >= 10 else { return nil }
        let footer = payload.count - 10
        let version = UInt16(payload[footer]) | UInt16(payload[footer + 1]) << 8
        guard version <= rdbVersion else { return nil }
        let stored = littleEndian(payload[(footer + 2)...])
        guard stored == 0 || stored == CRC64.checksum(payload[..<(footer + 2)]) else { return nil }
        return Array(payload[..<footer])
    }
}
