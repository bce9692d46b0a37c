/// CRC-64 "Jones" as Redis computes it for DUMP payloads and RDB files:
/// reflected polynomial 0x95AC9329AC4BC9B5, initial value 0, no final XOR.
public enum CRC64 {
    private static let table: [UInt64] = (0..<256).map { byte in
        var crc = UInt64(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1 }
        return crc
    }

    public static func checksum(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var crc = seed
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8) }
        }
        return crc
    }
}
