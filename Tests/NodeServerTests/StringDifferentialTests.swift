import Testing

/// Strings, keys, expiry, transactions and connection commands: the engine
/// against redis-server 7.0.15, RESP2 and RESP3, error cases included.
@Suite struct CoreDifferentialTests {
    static let strings = """
        SET k v
        GET k
        GET missing
        SET k v2 NX
        SET k v3 XX GET
        SET new v XX
        SET k 1 KEEPTTL
        SET k v EX 100 PX 100
        SET k v EX 0
        SET k v EX -5
        SET k v EX abc
        SET k v FOO
        SET k v NX XX
        SET k v GET NX
        SETNX k x
        SETNX fresh x
        SETEX k 100 v
        SETEX k 0 v
        PSETEX k 100000 v
        GETSET k newer
        GETSET nothing x
        GETDEL k
        GETDEL k
        GETEX fresh PERSIST
        GETEX fresh EX 100 PERSIST
        GETEX missing EX 10
        MSET a 1 b 2 c 3
        MSET a 1 b
        MGET a b c missing
        MSETNX a 1 z 2
        MSETNX y 1 z 2
        APPEND a 23
        APPEND newkey hello
        STRLEN a
        STRLEN missing
        INCR counter
        INCRBY counter 10
        DECR counter
        DECRBY counter 5
        INCRBY counter abc
        INCRBY counter 9223372036854775807
        DECRBY counter -9223372036854775808
        SET big 9223372036854775807
        INCR big
        SET f 10.5
        INCRBYFLOAT f 0.1
        INCRBYFLOAT f 5.0e3
        INCRBYFLOAT f abc
        INCRBYFLOAT counter 1.5
        INCR f
        SET s "hello world"
        GETRANGE s 0 4
        GETRANGE s -5 -1
        GETRANGE s 5 1
        GETRANGE s 0 100
        GETRANGE missing 0 10
        SUBSTR s 0 3
        SETRANGE s 6 redis
        SETRANGE s 20 x
        GET s
        SETRANGE s -1 x
        SETRANGE empty 0 ""
        SETRANGE s 0 ""
        OBJECT ENCODING a
        OBJECT ENCODING s
        OBJECT ENCODING f
        OBJECT ENCODING counter
        OBJECT ENCODING missing
        LPUSH list x
        GET list
        APPEND list x
        INCR list
        SET list x
        GET list
        GET
        SET k
        GETRANGE s 1
        MSET key1 ohmytext key2 mynewtext
        LCS key1 key2
        LCS key1 key2 LEN
        LCS key1 key2 IDX
        LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN
        LCS key1 key2 IDX WITHMATCHLEN
        LCS key1 key2 LEN IDX
        LCS key1 missing
        LCS key1 key2 FOO
        LCS key1 list
        """

    static let keys = """
        MSET a 1 b 2 c 3
        DEL a b missing
        EXISTS a b c c
        TYPE c
        TYPE missing
        RENAME c d
        RENAME missing x
        RENAME d d
        RENAMENX d e
        SET e 1
        RENAMENX d e
        COPY d f
        COPY d f
        COPY d f REPLACE
        COPY d d
        COPY d x DB 1
        COPY d x DB 99
        COPY d x FOO
        GET f
        TOUCH d e f missing
        UNLINK d e f
        DBSIZE
        MSET k1 1 k2 2 k3 3 other 4
        ~ KEYS k*
        ~ KEYS *
        KEYS nothing*
        ~ KEYS k[12]
        ~ KEYS ?3
        DBSIZE
        SELECT 1
        SET inone 1
        DBSIZE
        SELECT 0
        DBSIZE
        SELECT 16
        SELECT abc
        MOVE k1 1
        MOVE k1 1
        MOVE k2 0
        SWAPDB 0 1
        DBSIZE
        SWAPDB 0 99
        FLUSHDB
        DBSIZE
        FLUSHALL ASYNC
        FLUSHALL FOO
        RANDOMKEY
        SET only 1
        RANDOMKEY
        SCAN 0 COUNT 100
        SCAN abc
        SCAN 0 COUNT 0
        SCAN 0 MATCH o* COUNT 100
        SCAN 0 TYPE string COUNT 100
        SCAN 0 TYPE hash COUNT 100
        """

    static let expiry = """
        SET k v
        EXPIRE k 100
        TTL k
        EXPIRE k 100 NX
        EXPIRE k 200 XX
        EXPIRE k 50 GT
        EXPIRE k 500 GT
        EXPIRE k 1000 LT
        EXPIRE k 10 LT
        TTL k
        EXPIRE k 10 NX XX
        EXPIRE k 10 GT LT
        EXPIRE k 10 FOO
        EXPIRE k abc
        EXPIRE k 9223372036854775807
        PEXPIRE k 100000
        PERSIST k
        PERSIST k
        TTL k
        TTL missing
        PTTL missing
        EXPIRETIME k
        EXPIRETIME missing
        EXPIREAT k 4102444800
        EXPIRETIME k
        PEXPIRETIME k
        EXPIREAT k 100
        EXISTS k
        SET k v EX 100
        SET k v2
        TTL k
        SET k v EX 100
        SET k v2 KEEPTTL
        TTL k
        EXPIRE missing 10
        """

    static let transactions = """
        MULTI
        SET a 1
        INCR a
        GET a
        EXEC
        MULTI
        MULTI
        DISCARD
        EXEC
        DISCARD
        MULTI
        SET a
        GET a
        EXEC
        MULTI
        NOTACOMMAND
        EXEC
        MULTI
        SET s x
        INCR s
        GET s
        EXEC
        WATCH a
        SET a changed
        MULTI
        GET a
        EXEC
        WATCH a
        MULTI
        GET a
        EXEC
        MULTI
        WATCH a
        DISCARD
        UNWATCH
        """

    static let connection = """
        PING
        PING hello
        PING a b
        ECHO hi
        ECHO
        AUTH pw
        AUTH default pw
        AUTH someone pw
        AUTH a b c
        HELLO 4
        HELLO abc
        HELLO 3 FOO
        CLIENT SETNAME "bad name"
        CLIENT SETNAME good
        CLIENT GETNAME
        CLIENT SETNAME ""
        CLIENT GETNAME
        CLIENT NOSUCH
        CLIENT
        CLIENT NO-EVICT on
        CLIENT NO-EVICT maybe
        NOTACOMMAND a b
        notacommand
        CONFIG
        CONFIG NOSUCH
        COMMAND NOSUCH
        GET a b
        """

    static let server = """
        CONFIG GET maxmemory
        ~ CONFIG GET hash-max-*
        CONFIG GET nonexistent
        CONFIG SET maxmemory 1gb
        CONFIG GET maxmemory
        CONFIG SET maxmemory 0
        CONFIG SET maxmemory abc
        CONFIG SET maxmemory-policy nosuch
        CONFIG SET maxmemory-policy allkeys-lru
        CONFIG SET maxmemory-policy noeviction
        CONFIG SET protected-mode maybe
        CONFIG SET daemonize yes
        CONFIG SET nosuch 1
        CONFIG SET hz 10 hz 10
        CONFIG SET hz 20 maxmemory 0
        CONFIG GET hz
        CONFIG SET hz 10
        CONFIG SET port 99999
        CONFIG SET save "3600 1"
        CONFIG GET save
        CONFIG SET save ""
        CONFIG SET save "1 2 3"
        COMMAND INFO get set config|get nosuch
        COMMAND DOCS get
        COMMAND GETKEYS SET a b
        COMMAND GETKEYS MSET a 1 b 2
        COMMAND GETKEYS PING
        COMMAND GETKEYS NOSUCH
        COMMAND GETKEYS GET
        DEBUG SET-ACTIVE-EXPIRE 1
        DEBUG POPULATE 10
        DBSIZE
        GET key:3
        DEBUG POPULATE 5 pre 20
        GET pre:1
        OBJECT ENCODING pre:1
        DEBUG POPULATE -1
        """

    /// SAVE and DEBUG RELOAD through the engine's dump.rdb: the dataset and
    /// its encodings come back as redis-server's do. (NOFLUSH without MERGE
    /// is left out: redis-server panics on the duplicate keys it loads.)
    static let persistence = """
        SET s hello
        SET n 42
        RPUSH l a b c
        SADD ints 1 2 3
        HSET h f v
        ZADD z 1 a 2 b
        SET t v PX 100000000
        SELECT 2
        SET other 1
        SELECT 0
        SAVE
        DEBUG RELOAD
        DEBUG DIGEST
        OBJECT ENCODING n
        OBJECT ENCODING ints
        OBJECT ENCODING z
        SELECT 2
        GET other
        SELECT 0
        DEBUG RELOAD BOGUS
        SET added 1
        DEBUG RELOAD NOSAVE
        EXISTS added
        SET added 2
        DEBUG RELOAD MERGE NOFLUSH NOSAVE
        GET added
        DEBUG RELOAD MERGE
        DEBUG DIGEST
        DBSIZE
        """

    @Test func stringsKeysExpiryTransactionsConnectionAndServer() async throws {
        try await DifferentialHarness.compare([
            "strings": Self.strings, "keys": Self.keys, "expiry": Self.expiry, "transactions": Self.transactions,
            "connection": Self.connection, "server": Self.server, "persistence": Self.persistence,
        ])
    }
}
