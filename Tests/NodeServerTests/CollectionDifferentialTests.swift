import Testing

/// Hashes, lists and sets: the engine against redis-server 7.0.15, RESP2
/// and RESP3, with encodings and error cases. Sets and large hashes live in
/// hash tables, whose order is redis-server's own: those replies compare
/// unordered (`~`).
@Suite struct CollectionDifferentialTests {
    static let hashes = """
        HSET h a 1 b 2 c 3
        HSET h a 10 d 4
        HSET h a
        HMSET h e 5
        HGET h a
        HGET h missing
        HGET nohash a
        HMGET h a b missing
        HLEN h
        HSTRLEN h a
        HEXISTS h a
        HEXISTS h zz
        HKEYS h
        HVALS h
        HGETALL h
        HGETALL nohash
        HDEL h a missing
        HDEL h b c d e
        EXISTS h
        HSETNX h2 f v
        HSETNX h2 f w
        HINCRBY h2 n 5
        HINCRBY h2 n -10
        HINCRBY h2 f 1
        HINCRBY h2 n abc
        HINCRBY h2 n 9223372036854775807
        HINCRBYFLOAT h2 x 1.5
        HINCRBYFLOAT h2 x 1e3
        HINCRBYFLOAT h2 f 1
        HINCRBYFLOAT h2 x abc
        OBJECT ENCODING h2
        HSET big f 0123456789012345678901234567890123456789012345678901234567890123456789
        OBJECT ENCODING big
        HRANDFIELD nohash
        HRANDFIELD nohash 3
        HRANDFIELD h2 0
        HRANDFIELD h2 5 WITHVALUES FOO
        HSCAN h2 0
        HSCAN h2 abc
        SET str x
        HGET str a
        HSET str a 1
        HSCAN nohash 0
        """

    static let lists = """
        RPUSH l a b c
        LPUSH l z
        LRANGE l 0 -1
        LRANGE l 1 2
        LRANGE l -2 -1
        LRANGE l 5 10
        LRANGE l 0 abc
        LRANGE missing 0 -1
        LLEN l
        LLEN missing
        LINDEX l 0
        LINDEX l -1
        LINDEX l 99
        LSET l 0 first
        LSET l 99 x
        LSET missing 0 x
        LPOP l
        RPOP l
        LRANGE l 0 -1
        RPUSH l a b a c a
        LREM l 2 a
        LRANGE l 0 -1
        LREM l -1 a
        LREM l 0 zz
        LINSERT l BEFORE b x
        LINSERT l AFTER c y
        LINSERT l AFTER nothere y
        LINSERT l MIDDLE b x
        LINSERT missing BEFORE a b
        LRANGE l 0 -1
        LPOS l a
        LPOS l x
        LPOS l nothere
        RPUSH p a b a c a
        LPOS p a RANK 2
        LPOS p a RANK -1
        LPOS p a COUNT 0
        LPOS p a COUNT 2
        LPOS p a RANK 0
        LPOS p a COUNT -1
        LPOS p a MAXLEN 2 COUNT 0
        LPOS missing a COUNT 1
        LTRIM p 1 -2
        LRANGE p 0 -1
        LTRIM p 5 1
        EXISTS p
        LPUSHX nolist a
        RPUSHX l tail
        LPOP l 2
        RPOP l 2
        LPOP l 0
        LPOP missing 2
        LPOP l -1
        RPUSH src 1 2 3
        LMOVE src dst LEFT RIGHT
        LMOVE src dst RIGHT LEFT
        LMOVE src src LEFT RIGHT
        LMOVE src dst UP DOWN
        RPOPLPUSH src dst
        LRANGE dst 0 -1
        LRANGE src 0 -1
        RPOPLPUSH missing dst
        RPUSH m1 a b c
        LMPOP 2 nol m1 LEFT
        LMPOP 2 nol m1 RIGHT COUNT 5
        LMPOP 1 m1 LEFT
        LMPOP 0 m1 LEFT
        LMPOP 1 m1 SIDEWAYS
        LMPOP 1 m1 LEFT COUNT 0
        OBJECT ENCODING l
        SET str x
        LPUSH str a
        LRANGE str 0 1
        RPUSH bl x y z
        BLPOP nothing bl 0
        BRPOP bl 0
        BLPOP nothing 0.01
        BLPOP bl -1
        BLPOP bl abc
        BLPOP str 0
        BLMPOP 0.01 1 nothing LEFT
        BLMPOP 0 2 nothing bl RIGHT COUNT 3
        BLMOVE nothing dst LEFT RIGHT 0.01
        RPUSH bl a
        BLMOVE bl dst LEFT RIGHT 0
        BRPOPLPUSH nothing dst 0.01
        MULTI
        BLPOP nothing 0
        EXEC
        """

    static let sets = """
        SADD s 3 1 2
        SADD s 2 4
        SMEMBERS s
        OBJECT ENCODING s
        SISMEMBER s 1
        SISMEMBER s 9
        SMISMEMBER s 1 9 2
        SCARD s
        SCARD missing
        SREM s 1 9
        SMEMBERS s
        SADD w b a c
        ~ SMEMBERS w
        OBJECT ENCODING w
        SADD t 1 2 3 4 5
        SADD u 4 5 6
        ~ SINTER t u
        ~ SUNION t u
        ~ SDIFF t u
        SINTER t missing
        ~ SDIFF t missing
        SINTERSTORE dest t u
        ~ SMEMBERS dest
        SUNIONSTORE dest t u
        SDIFFSTORE dest missing t
        EXISTS dest
        SINTERCARD 2 t u
        SINTERCARD 2 t u LIMIT 1
        SINTERCARD 0 t
        SINTERCARD 5 t
        SINTERCARD 1 t LIMIT -1
        SMOVE t u 1
        SMOVE t u 99
        SMOVE missing u 1
        ~ SMEMBERS u
        SPOP missing
        SPOP missing 2
        SPOP t -1
        SPOP t 0
        SRANDMEMBER missing
        SRANDMEMBER missing 3
        SRANDMEMBER t 0
        SADD one x
        SPOP one
        EXISTS one
        SADD one x
        SRANDMEMBER one
        SRANDMEMBER one -3
        SSCAN s 0
        SSCAN s 0 MATCH 2
        SET str x
        SADD str a
        SMEMBERS str
        SINTER s str
        """

    @Test func hashesListsAndSets() async throws {
        try await DifferentialHarness.compare(["hashes": Self.hashes, "lists": Self.lists, "sets": Self.sets])
    }
}

/// SORT and SORT_RO against redis-server 7.0.15.
@Suite struct SortDifferentialTests {
    static let script = """
        RPUSH l 3 1 2 10 -5 2.5
        SORT l
        SORT l DESC
        SORT l LIMIT 1 3
        SORT l LIMIT 10 3
        SORT l LIMIT -1 2
        SORT l ALPHA
        SORT l ALPHA DESC LIMIT 0 2
        RPUSH words banana apple cherry
        SORT words
        SORT words ALPHA
        MSET w_3 30 w_1 10 w_2 20 w_10 5 w_-5 50
        SORT l BY w_*
        SORT l BY w_* DESC GET # GET w_*
        SORT l BY nosort
        SORT l BY nosort DESC LIMIT 0 2
        HSET h_1 f b
        HSET h_2 f a
        RPUSH hl 1 2
        SORT hl BY h_*->f ALPHA
        SORT hl BY h_*->f ALPHA GET h_*->f GET #
        SORT l STORE out
        LRANGE out 0 -1
        SORT words ALPHA STORE out
        LRANGE out 0 -1
        SORT missing STORE out
        EXISTS out
        SORT_RO l DESC
        SORT_RO l STORE x
        SORT l FOO
        SORT l LIMIT a b
        SADD s 5 3 9
        SORT s
        ZADD z 1 c 2 a 3 b
        SORT z ALPHA
        SORT z BY nosort
        SORT z BY nosort DESC
        SET str x
        SORT str
        """

    @Test func sortAndSortRO() async throws {
        try await DifferentialHarness.compare(["sort": Self.script])
    }
}
