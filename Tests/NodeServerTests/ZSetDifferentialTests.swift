import Testing

/// Sorted sets, both encodings, against redis-server 7.0.15 in RESP2 and
/// RESP3: ranges by rank, score and lex, LIMIT, REV, stores, pops, algebra
/// and the error texts.
@Suite struct ZSetDifferentialTests {
    static let small = """
        ZADD z 1 a 2 b 3 c
        ZADD z 1.5 a 4 d
        ZADD z NX 10 a 5 e
        ZADD z XX CH 20 a 30 zz
        ZADD z GT 1 b
        ZADD z LT 1 b
        ZADD z INCR 5 b
        ZADD z INCR 1 x 2 y
        ZADD z NX XX 1 a
        ZADD z GT LT 1 a
        ZADD z 1 a 2
        ZADD z abc a
        ZADD z nan a
        ZINCRBY z 0.1 c
        ZINCRBY z abc c
        ZSCORE z a
        ZSCORE z missing
        ZMSCORE z a missing c
        ZCARD z
        ZCOUNT z 2 5
        ZCOUNT z (2 +inf
        ZCOUNT z -inf (4
        ZCOUNT z abc 3
        ZRANK z c
        ZREVRANK z c
        ZRANK z missing
        ZRANGE z 0 -1
        ZRANGE z 0 -1 WITHSCORES
        ZRANGE z 1 2 REV
        ZRANGE z 0 100
        ZRANGE z -2 -1 WITHSCORES
        ZRANGE z 2 5 BYSCORE
        ZRANGE z (2 5 BYSCORE WITHSCORES
        ZRANGE z 5 2 BYSCORE REV
        ZRANGE z -inf +inf BYSCORE LIMIT 1 2
        ZRANGE z +inf -inf BYSCORE REV LIMIT 0 2 WITHSCORES
        ZRANGE z 0 -1 LIMIT 0 1
        ZRANGE z - + BYLEX WITHSCORES
        ZRANGE z 0 -1 FOO
        ZREVRANGE z 0 1 WITHSCORES
        ZRANGEBYSCORE z 2 4 WITHSCORES
        ZREVRANGEBYSCORE z 4 2
        ZRANGEBYSCORE z x 4
        ZADD lex 0 a 0 b 0 c 0 d 0 e
        ZRANGEBYLEX lex - +
        ZRANGEBYLEX lex [b (d
        ZREVRANGEBYLEX lex (d [b
        ZRANGEBYLEX lex b d
        ZLEXCOUNT lex [b +
        ZRANGEBYLEX lex - + LIMIT 1 2
        ZRANGESTORE dst z 0 1
        ZRANGE dst 0 -1 WITHSCORES
        ZRANGESTORE dst z 100 200
        EXISTS dst
        ZREMRANGEBYRANK lex 0 1
        ZREMRANGEBYLEX lex [d +
        ZRANGE lex 0 -1
        ZREMRANGEBYSCORE z 20 +inf
        ZRANGE z 0 -1 WITHSCORES
        ZREM z a missing
        ZPOPMIN z
        ZPOPMAX z 2
        ZPOPMIN z 0
        ZPOPMIN missing
        ZPOPMIN z -1
        ZADD p 1 a 2 b 3 c
        ZMPOP 2 missing p MIN COUNT 2
        ZMPOP 1 p MAX
        ZMPOP 1 missing MIN
        ZMPOP 1 p SIDEWAYS
        BZPOPMIN missing 0.01
        ZADD p 5 q
        BZPOPMAX missing p 0
        BZMPOP 0.01 1 missing MIN
        ZADD u1 1 a 2 b
        ZADD u2 3 b 4 c
        SADD s1 a c
        ZUNION 2 u1 u2 WITHSCORES
        ZUNION 2 u1 u2 WEIGHTS 2 3 AGGREGATE MAX WITHSCORES
        ZINTER 2 u1 u2 WITHSCORES
        ZINTER 2 u1 s1 WITHSCORES
        ZDIFF 2 u1 u2 WITHSCORES
        ZUNIONSTORE out 2 u1 u2
        ZRANGE out 0 -1 WITHSCORES
        ZINTERSTORE out 2 u1 missing
        EXISTS out
        ZDIFFSTORE out 1 u1
        ZINTERCARD 2 u1 u2
        ZINTERCARD 2 u1 u2 LIMIT 1
        ZUNION 0 u1
        ZUNION 3 u1
        ZUNION 2 u1 u2 WEIGHTS 1 x
        ZUNION 2 u1 u2 AGGREGATE avg
        ZRANDMEMBER missing
        ZRANDMEMBER u1 0
        ZSCAN u1 0
        OBJECT ENCODING u1
        SET str x
        ZADD str 1 a
        ZRANGE str 0 1
        ZUNION 1 str
        """

    static let large = """
        ZADD big 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15
        CONFIG SET zset-max-listpack-entries 4
        ZADD big2 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15
        OBJECT ENCODING big2
        ZRANGE big2 0 -1 WITHSCORES
        ZRANGE big2 3 7
        ZRANGE big2 -3 -1 REV WITHSCORES
        ZRANK big2 m9
        ZREVRANK big2 m9
        ZRANGEBYSCORE big2 (3 10 LIMIT 2 3 WITHSCORES
        ZREVRANGEBYSCORE big2 10 (3 LIMIT 1 2
        ZCOUNT big2 3 10
        ZADD big2 100 m0
        ZADD big2 -1 m15
        ZRANGE big2 0 2 WITHSCORES
        ZREM big2 m5 m6
        ZCARD big2
        ZPOPMIN big2 3
        ZPOPMAX big2
        ZREMRANGEBYRANK big2 0 1
        ZRANGE big2 0 -1
        ZINCRBY big2 0.5 m9
        ZSCORE big2 m9
        CONFIG SET zset-max-listpack-entries 128
        ZADD long 1 0123456789012345678901234567890123456789012345678901234567890123456789
        OBJECT ENCODING long
        """

    @Test func sortedSetsInBothEncodings() async throws {
        try await DifferentialHarness.compare(["zsets": Self.small, "zsets-large": Self.large])
    }
}
