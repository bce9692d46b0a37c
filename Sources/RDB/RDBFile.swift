/// A whole RDB file (rdbSaveRio) as 7.0 writes it: the magic and version,
/// AUX fields, per database SELECTDB and RESIZEDB, the keys (each after
/// its EXPIRETIME_MS when it has one), EOF and the CRC-64 of it all.
public struct RDBFileWriter {
    private var writer = RDBObjectWriter()
    /// rdbchecksum: without it the file ends with a zero checksum, which
    /// readers take as "not checked" (as redis-server writes and reads it).
    private let checksum: Bool

    /// `compression`: rdbcompression (LZF for long strings); `checksum`: rdbchecksum.
    public init(aux: [(String, String)], compression: Bool = true, checksum: Bool = true) {
        self.checksum = checksum
        writer.compression = compression
        writer.bytes += Array("REDIS0010".utf8)
        for (key, value) in aux {
            writer.bytes.append(0xFA)
            writer.writeString(Array(key.utf8))
            writer.writeString(Array(value.utf8))
        }
    }

    /// A function library (before the databases, as rdbSaveRio writes them).
    public mutating func writeLibrary(_ payload: [UInt8]) {
        FunctionRecords.write(payload, into: &writer)
    }

    /// Starts database `index`, with the counts that size its tables on load.
    public mutating func selectDatabase(_ index: Int, keys: Int, expires: Int) {
        writer.bytes.append(0xFE)
        writer.writeLength(index)
        writer.bytes.append(0xFB)
        writer.writeLength(keys)
        writer.writeLength(expires)
    }

    /// One key; `expireAt` in Unix ms.
    public mutating func write(key: [UInt8], value: RDBValue, expireAt: Int64?) {
        if let expireAt {
            writer.bytes.append(0xFC)
            withUnsafeBytes(of: UInt64(bitPattern: expireAt).littleEndian) { writer.bytes += $0 }
        }
        writer.write(value, key: key)
    }

    /// The file's bytes, EOF and checksum included.
    public mutating func finish() -> [UInt8] {
        writer.bytes.append(0xFF)
        let crc: UInt64 = checksum ? CRC64.checksum(writer.bytes) : 0
        var bytes = writer.bytes
        withUnsafeBytes(of: crc.littleEndian) { bytes += $0 }
        return bytes
    }
}
