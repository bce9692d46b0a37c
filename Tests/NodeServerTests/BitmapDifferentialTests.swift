import Testing

/// Bitmaps against redis-server 7.0.15, RESP2 and RESP3, edge cases included.
@Suite struct BitmapDifferentialTests {
    static let script = """
        SETBIT b 7 1
        SETBIT b 7 0
        SETBIT b 100 1
        GETBIT b 100
        GETBIT b 99999
        GETBIT missing 3
        SETBIT b -1 1
        SETBIT b 1 2
        SETBIT b abc 1
        SETBIT b 4294967296 1
        GET b
        STRLEN b
        OBJECT ENCODING b
        SET s foobar
        BITCOUNT s
        BITCOUNT s 0 0
        BITCOUNT s 1 1
        BITCOUNT s 1 -2
        BITCOUNT s 5 30 BIT
        BITCOUNT s -3 -1 BIT
        BITCOUNT s -1 -3
        BITCOUNT s 0 1 WORD
        BITCOUNT s 0
        BITCOUNT missing
        SET z "\\xff\\xf0\\x00"
        BITPOS z 0
        BITPOS z 1
        BITPOS z 0 2
        BITPOS z 1 2
        BITPOS z 1 2 -1 BYTE
        BITPOS z 0 0 -1
        BITPOS z 0 7 15 BIT
        BITPOS z 1 12 20 BIT
        BITPOS z 2
        BITPOS missing 0
        BITPOS missing 1
        SET ones "\\xff\\xff"
        BITPOS ones 0
        BITPOS ones 0 0 -1
        SET k1 foobar
        SET k2 abcdef
        BITOP AND dest k1 k2
        GET dest
        BITOP OR dest k1 k2 missing
        GET dest
        BITOP XOR dest k1 k2
        BITOP NOT dest k1
        GET dest
        BITOP NOT dest k1 k2
        BITOP NAND dest k1
        BITOP AND dest missing
        EXISTS dest
        BITFIELD bf SET i8 0 100 GET i8 0
        BITFIELD bf INCRBY i8 0 100
        BITFIELD bf OVERFLOW SAT INCRBY i8 0 100
        BITFIELD bf OVERFLOW FAIL INCRBY i8 0 100
        BITFIELD bf OVERFLOW WRAP INCRBY u4 #1 20 GET u4 #1
        BITFIELD bf SET u8 8 -1 GET u8 8
        BITFIELD bf OVERFLOW SAT SET u8 8 -1 GET u8 8
        BITFIELD bf SET i64 0 -5 GET i64 0 GET u63 1
        BITFIELD bf INCRBY i64 0 -9223372036854775807
        BITFIELD bf OVERFLOW SAT INCRBY i64 0 -9223372036854775807
        BITFIELD bf GET u64 0
        BITFIELD bf GET x8 0
        BITFIELD bf GET i8 -1
        BITFIELD bf OVERFLOW MAYBE
        BITFIELD bf FOO
        BITFIELD missing GET u8 0
        BITFIELD_RO bf GET u8 0
        BITFIELD_RO bf SET u8 0 1
        GET bf
        LPUSH list x
        SETBIT list 1 1
        BITCOUNT list
        BITOP AND dest list
        """

    @Test func bitmaps() async throws {
        try await DifferentialHarness.compare(["bitmaps": Self.script])
    }
}
