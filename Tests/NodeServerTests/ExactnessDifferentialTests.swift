import Foundation
import Testing
import TestSupport

/// What Redis's own unit tests found the engine answering differently from
/// redis-server 7.0.15, kept as differential scripts (RESP2 and RESP3):
/// error texts of numeric options, reply shapes, introspection commands.
@Suite struct ExactnessDifferentialTests {
    static let numericOptions = """
        SADD s a b
        ZADD z 1 a 2 b
        HSET h f v
        RPUSH l a b
        SINTERCARD 0 s
        SINTERCARD -1 s
        SINTERCARD x s
        SINTERCARD 3 s
        SINTERCARD 1 s LIMIT -1
        SINTERCARD 1 s LIMIT x
        SINTERCARD 1 s LIMIT 1
        ZINTERCARD 0 z
        ZINTERCARD -1 z
        ZINTERCARD x z
        ZINTERCARD 3 z
        ZINTERCARD 1 z LIMIT -1
        ZINTERCARD 1 z LIMIT x
        ZINTERCARD 1 z WEIGHTS 1
        ZMPOP 1 z MIN COUNT 0
        ZMPOP 1 z MIN COUNT -1
        ZMPOP 1 z MIN COUNT x
        ZMPOP 0 z MIN
        ZMPOP x z MIN
        ZMPOP 3 z MIN
        BZMPOP 0 1 z MIN COUNT 0
        BZMPOP 0 x z MIN
        LMPOP 1 l LEFT COUNT 0
        LMPOP 1 l LEFT COUNT x
        LMPOP 0 l LEFT
        LMPOP x l LEFT
        BLMPOP 0 1 l LEFT COUNT -5
        ZUNION 0 z
        ZINTER 0 z
        ZDIFF 0 z
        ZUNIONSTORE d 0 z
        ZINTERSTORE d -1 z
        ZDIFFSTORE d x z
        ZUNION 2 z
        HRANDFIELD h -9223372036854775808
        HRANDFIELD h -9223372036854775808 WITHVALUES
        HRANDFIELD h -4611686018427387904 WITHVALUES
        HRANDFIELD h 4611686018427387904 WITHVALUES
        HRANDFIELD h x
        ZRANDMEMBER z -9223372036854775808
        ZRANDMEMBER z -4611686018427387904 WITHSCORES
        ZRANDMEMBER z x WITHSCORES
        SRANDMEMBER s -9223372036854775808
        SRANDMEMBER s x
        LPOS l a COUNT x
        LPOS l a COUNT -1
        LPOS l a MAXLEN x
        LPOS l a MAXLEN -1
        LPOS l a RANK x
        LPOP l x
        LPOP l -1
        SPOP s x
        ZPOPMIN z x
        SLOWLOG GET x
        SLOWLOG GET -2
        """

    static let replyShapes = """
        PUBSUB NUMSUB a b
        PUBSUB NUMSUB
        PUBSUB SHARDNUMSUB a b
        PUBSUB NUMPAT
        """

    /// COMMAND's key finding (key specs, then the commands' own finders) and
    /// filters, and the HELP texts (captured from redis-server by
    /// scripts/capture-help-texts.py, so this checks the capture is current).
    static let introspection = """
        COMMAND GETKEYSANDFLAGS set k1 v1
        COMMAND GETKEYSANDFLAGS set k1 v1 get
        COMMAND GETKEYSANDFLAGS mset k1 v1 k2 v2
        COMMAND GETKEYSANDFLAGS LMOVE k1 k2 left right
        COMMAND GETKEYSANDFLAGS sort k1 store k2
        COMMAND GETKEYSANDFLAGS sort_ro k1
        COMMAND GETKEYSANDFLAGS zunionstore d 2 a b
        COMMAND GETKEYSANDFLAGS zunion 2 a b
        COMMAND GETKEYSANDFLAGS georadius k 1 2 3 km store s
        COMMAND GETKEYSANDFLAGS georadiusbymember k m 1 km storedist d
        COMMAND GETKEYSANDFLAGS migrate h 1 k 0 5
        COMMAND GETKEYSANDFLAGS migrate h 1 "" 0 5 keys a b
        COMMAND GETKEYSANDFLAGS bitfield k get u8 0
        COMMAND GETKEYSANDFLAGS bitfield k set u8 0 1
        COMMAND GETKEYSANDFLAGS bitfield_ro k get u8 0
        COMMAND GETKEYSANDFLAGS getex k
        COMMAND GETKEYSANDFLAGS lcs a b
        COMMAND GETKEYSANDFLAGS copy a b
        COMMAND GETKEYSANDFLAGS rename a b
        COMMAND GETKEYSANDFLAGS blmpop 0 2 a b left
        COMMAND GETKEYSANDFLAGS lmpop 2 a b left count 1
        COMMAND GETKEYSANDFLAGS bzmpop 1 2 a b min
        COMMAND GETKEYSANDFLAGS sintercard 2 a b limit 1
        COMMAND GETKEYSANDFLAGS object encoding k
        COMMAND GETKEYSANDFLAGS pfcount a b
        COMMAND GETKEYSANDFLAGS memory usage k
        COMMAND GETKEYSANDFLAGS ping
        COMMAND GETKEYSANDFLAGS nosuch
        COMMAND GETKEYSANDFLAGS get
        COMMAND GETKEYSANDFLAGS zunionstore d x a
        COMMAND INFO get|key
        COMMAND INFO config|get|key
        COMMAND INFO nosuch|x
        COMMAND INFO config|nosuch
        COMMAND GETKEYS zunionstore d 2 a b
        COMMAND GETKEYS sort k1 store k2 by x
        COMMAND GETKEYS get
        COMMAND GETKEYS ping
        COMMAND GETKEYS memory usage key
        ~ COMMAND LIST FILTERBY ACLCAT hyperloglog
        ~ COMMAND LIST FILTERBY ACLCAT bitmap
        ~ COMMAND LIST FILTERBY ACLCAT geo
        ~ COMMAND LIST FILTERBY PATTERN *pop
        ~ COMMAND LIST FILTERBY PATTERN config*
        COMMAND LIST FILTERBY ACLCAT nosuch
        COMMAND LIST FILTERBY MODULE x
        COMMAND LIST FILTERBY bad
        COMMAND LIST FILTERBY bad bad2
        DEBUG PROTOCOL string
        DEBUG PROTOCOL integer
        DEBUG PROTOCOL double
        DEBUG PROTOCOL bignum
        DEBUG PROTOCOL null
        DEBUG PROTOCOL array
        DEBUG PROTOCOL set
        DEBUG PROTOCOL map
        DEBUG PROTOCOL true
        DEBUG PROTOCOL false
        DEBUG PROTOCOL verbatim
        DEBUG PROTOCOL nosuch
        DEBUG QUICKLIST-PACKED-THRESHOLD 1b
        DEBUG QUICKLIST-PACKED-THRESHOLD 5gb
        DEBUG QUICKLIST-PACKED-THRESHOLD x
        DEBUG QUICKLIST-PACKED-THRESHOLD 0
        DEBUG REPLYBUFFER peak-reset-time never
        DEBUG REPLYBUFFER peak-reset-time x
        DEBUG REPLYBUFFER nosuch 1
        DEBUG HELP
        DEBUG NOSUCH
        RPUSH biglist a b c
        DEBUG LISTPACK biglist
        DEBUG QUICKLIST biglist
        DEBUG QUICKLIST nosuch
        LATENCY LATEST
        LATENCY DOCTOR
        LATENCY RESET
        LATENCY RESET command nosuch
        LATENCY HISTORY nosuch
        LATENCY GRAPH nosuch
        LATENCY HELP
        LATENCY HELP x
        LATENCY NOSUCH
        CONFIG SET latency-monitor-threshold 100
        LATENCY DOCTOR
        CONFIG SET latency-monitor-threshold 0
        SET a b
        ? LATENCY HISTOGRAM set
        LATENCY HISTOGRAM nosuch
        LOLWUT
        ? MEMORY STATS
        MEMORY DOCTOR
        MEMORY PURGE
        MEMORY USAGE nosuch
        MEMORY USAGE k SAMPLES x
        MEMORY NOSUCH
        CLIENT HELP
        CONFIG HELP
        COMMAND HELP
        MEMORY HELP
        OBJECT HELP
        PUBSUB HELP
        SLOWLOG HELP
        """

    @Test func introspectionAnswersAsRedisServer() async throws {
        try await DifferentialHarness.compare(["introspection": Self.introspection])
    }

    /// HyperLogLogs damaged with string commands, read and written again.
    static let damagedHyperLogLogs = """
        PFADD h a b c
        APPEND h hello
        PFCOUNT h
        PFCOUNT h h
        PFMERGE out h
        PFADD h x
        PFDEBUG DECODE h
        PFADD t a
        APPEND t @
        PFDEBUG DECODE t
        PFCOUNT t
        PFADD t zz e1 e2 e3 q w r t y
        PFDEBUG DECODE t
        GET t
        PFADD d a
        SETRANGE d 4 x
        PFCOUNT d
        PFADD big a b c d e f g h i j k l m n o p
        PFDEBUG TODENSE big
        APPEND big x
        PFCOUNT big
        PFDEBUG GETREG big
        SET notahll hello
        PFCOUNT notahll
        PFADD notahll x
        SET HYLLish HYLL
        PFCOUNT HYLLish
        """

    @Test func damagedHyperLogLogsAnswerAsRedisServer() async throws {
        try await DifferentialHarness.compare(["damaged HLLs": Self.damagedHyperLogLogs], extraArguments: ["--save", ""])
    }

    /// CLIENT REPLY silences replies, so this one runs as a pipeline ended
    /// by a PING whose reply marks the end; CLIENT UNBLOCK on a blocked BLPOP.
    @Test func clientReplyAndUnblockAnswerAsRedisServer() async throws {
        let pipeline: [[String]] = [
            ["CLIENT", "REPLY", "OFF"], ["PING", "a"], ["SET", "k", "v"], ["CLIENT", "REPLY", "ON"], ["PING", "b"],
            ["CLIENT", "REPLY", "SKIP"], ["PING", "c"], ["PING", "d"], ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "OFF"],
            ["PING", "e"], ["CLIENT", "REPLY", "ON"], ["CLIENT", "REPLY", "SKIP"], ["CLIENT", "REPLY", "ON"], ["PING", "f"],
            ["CLIENT", "REPLY", "BAD"], ["CLIENT", "KILL", "ID", "-1"],
            ["CLIENT", "KILL", "ID", "x"], ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "TYPE", "wrong"],
            ["CLIENT", "KILL", "USER", "wrong"], ["CLIENT", "KILL", "SKIPME", "maybe"], ["CLIENT", "KILL", "ID", "10", "x"],
            ["CLIENT", "KILL", "TYPE", "master"], ["CLIENT", "UNBLOCK", "x"], ["CLIENT", "UNBLOCK", "999"],
            ["CLIENT", "UNBLOCK", "1", "bad"], ["GET", "k"], ["PING", "end"],
        ]
        let seen = try await DifferentialHarness.onBoth { server in
            let client = try RawRESPConnection(port: server.port)
            try client.sendRaw(pipeline.flatMap(KeyspaceNotificationDifferentialTests.encode))
            var replies: [String] = []
            while replies.last != "$3\r\nend\r\n" { replies.append(String(decoding: try client.readReply(), as: UTF8.self)) }
            let blocked = try RawRESPConnection(port: server.port)
            let id = String(decoding: try blocked.command(["CLIENT", "ID"]), as: UTF8.self).dropFirst().prefix(while: \.isNumber)
            try blocked.sendRaw(KeyspaceNotificationDifferentialTests.encode(["BLPOP", "nothing", "0"]))
            for _ in 0..<100 where !String(decoding: try client.command(["INFO", "clients"]), as: UTF8.self).contains("blocked_clients:1") {
                try await Task.sleep(for: .milliseconds(10))
            }
            replies.append(String(decoding: try client.command(["CLIENT", "UNBLOCK", String(id), "ERROR"]), as: UTF8.self))
            replies.append(String(decoding: try blocked.readReply(), as: UTF8.self))
            // Subscription replies are pushes: they pass CLIENT REPLY OFF in RESP2 too.
            let subscriber = try RawRESPConnection(port: server.port)
            try subscriber.sendRaw(KeyspaceNotificationDifferentialTests.encode(["CLIENT", "REPLY", "OFF"])
                + KeyspaceNotificationDifferentialTests.encode(["SUBSCRIBE", "ch"]))
            replies.append(String(decoding: try subscriber.readReply(), as: UTF8.self))
            return replies
        }
        #expect(seen[0] == seen[1])
    }

    /// MEMORY USAGE where jemalloc's rounding can be matched: every string
    /// encoding, listpacks, intsets, small hash tables, multi-node quicklists.
    static let memoryUsage = """
        SET int 12345
        SET embstr hello
        SET embstr44 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        SET raw xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        RPUSH list a b c 1 2 300 -5000 70000 5000000000 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        HSET hash f v n 5 long xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
        SADD intset 1 2 3 100000
        SADD bigintset 1 5000000000
        SADD table a b c
        ZADD zset 1 a 2.5 b -3 c
        DEBUG POPULATE 50 k 10
        MEMORY USAGE int
        MEMORY USAGE embstr
        MEMORY USAGE embstr44
        MEMORY USAGE raw
        MEMORY USAGE list
        MEMORY USAGE hash
        MEMORY USAGE intset
        MEMORY USAGE bigintset
        MEMORY USAGE table
        MEMORY USAGE zset
        MEMORY USAGE k:7
        MEMORY USAGE list SAMPLES 0
        MEMORY USAGE list SAMPLES -1
        """

    @Test func memoryUsageMatchesRedisServerWhereRoundingAllows() async throws {
        try await DifferentialHarness.compare(["memory usage": Self.memoryUsage])
    }

    @Test func numericOptionsAnswerWithRedisServersTexts() async throws {
        try await DifferentialHarness.compare(["numeric options": Self.numericOptions])
    }

    @Test func repliesHaveRedisServersShapes() async throws {
        try await DifferentialHarness.compare(["reply shapes": Self.replyShapes])
    }
}
