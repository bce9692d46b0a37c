import Testing

/// DEBUG DIGEST and DIGEST-VALUE: the same SHA-1 fingerprint of the same
/// dataset as redis-server 7.0.15 (what replication tests compare).
@Suite struct DigestDifferentialTests {
    static let script = """
        DEBUG DIGEST
        SET s hello
        SET n 12345
        RPUSH l a b c
        SADD set x y 1 2
        ZADD z 1 a 2.5 b 0.1 c
        HSET h f v g w
        DEBUG DIGEST
        DEBUG DIGEST-VALUE s n l set z h missing
        EXPIRE s 1000
        DEBUG DIGEST
        SELECT 1
        SET other 1
        DEBUG DIGEST
        SELECT 0
        CONFIG SET zset-max-listpack-entries 1
        ZADD big 1 a 2 b 3 c
        CONFIG SET zset-max-listpack-entries 128
        DEBUG DIGEST-VALUE big
        DEBUG DIGEST
        """

    @Test func digestsMatchRedisServer() async throws {
        try await DifferentialHarness.compare(["digest": Self.script])
    }
}
