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

    @Test func numericOptionsAnswerWithRedisServersTexts() async throws {
        try await DifferentialHarness.compare(["numeric options": Self.numericOptions])
    }

    @Test func repliesHaveRedisServersShapes() async throws {
        try await DifferentialHarness.compare(["reply shapes": Self.replyShapes])
    }
}
