/// An unsigned integer stored least significant byte first (up to 8 bytes),
/// as RDB files and DUMP payloads store their fixed-width numbers.
func littleEndian<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64 {
    bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
}
