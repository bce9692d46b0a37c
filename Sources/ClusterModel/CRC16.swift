/// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection.
/// This is the checksum Redis Cluster uses to map keys to hash slots.
public enum CRC16 {
    static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }

    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt16 where Bytes.Element == UInt8 {
        var crc: UInt16 = 0
        for byte in bytes {
            let index = Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)
            crc = (crc << 8) ^ table[index]
        }
        return crc
    }

    /// checksum(_:) over raw bytes, without an intermediate array (the
    /// engine computes it for every keyed command).
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
            }
        }
        return crc
    }
}
