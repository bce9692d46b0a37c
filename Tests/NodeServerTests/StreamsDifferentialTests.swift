import Testing

/// Streams on redis-server 7.0.15 and on the engine, RESP2 and RESP3,
/// replies compared byte for byte: every command's options and errors,
/// the listpack nodes behind XINFO and DUMP (the same bytes), trimming,
/// deletion holes and consumer groups. Replies that carry the clock
/// (idle and delivery times, generated IDs) are compared by shape.
@Suite struct StreamsDifferentialTests {
    static let adding = """
        XADD s 1-1 a 1 b 2
        XADD s 1-2 a 3 b 4
        XADD s 1-* a 5 c 6
        XADD s 2-0 f v
        XADD s 1-0 f v
        XADD s 2-0 f v
        XADD s 0-0 f v
        XADD s abc f v
        XADD s - f v
        XADD s 2-0 f
        XADD s 3-18446744073709551615 f v
        XADD s 3-* f v
        XADD s MAXLEN ~ 1 5-0 f v
        XADD s MINID 1 LIMIT 1 6-0 f v
        XADD s MAXLEN 1 MINID 2 6-0 f v
        XADD s MAXLEN -1 6-0 f v
        XADD s LIMIT 10 6-0 f v
        XADD s MAXLEN = 100 LIMIT 10 6-0 f v
        XADD s MAXLEN foo 6-0 f v
        XADD nos NOMKSTREAM 1-0 f v
        EXISTS nos
        ? XADD auto * f v
        ? XADD auto MAXLEN ~ 10 * f v
        XADD full 18446744073709551615-18446744073709551615 f v
        XADD full * f v
        XLEN s
        XLEN nokey
        SET str x
        XADD str 1-0 a b
        XLEN str
        XRANGE str - +
        TYPE s
        OBJECT ENCODING s
        """

    static let ranges = """
        XADD s 1-1 a 1 b 2
        XADD s 1-2 a 3 b 4
        XADD s 2-0 a 5 c 6
        XADD s 3-0 x 12 y -7
        XADD s 4-0 long "a somewhat longer value that is stored as a string"
        XRANGE s - +
        XRANGE s (1-1 +
        XRANGE s 1 1
        XRANGE s - + COUNT 2
        XRANGE s - + COUNT 0
        XRANGE s - + COUNT -1
        XRANGE s - + COUNT
        XRANGE s - + LIMIT 1
        XRANGE s (18446744073709551615-18446744073709551615 +
        XRANGE s - (0-0
        XRANGE s (- +
        XRANGE s x +
        XREVRANGE s + -
        XREVRANGE s + - COUNT 2
        XREVRANGE s (3-0 (1-1
        XREVRANGE s 2 2
        XRANGE nokey - +
        XRANGE nokey - + COUNT 0
        XDEL s 1-2 9-9 1-2
        XDEL s bad
        XDEL nokey 1-1
        XRANGE s - +
        XINFO STREAM s
        XDEL s 1-1
        XINFO STREAM s
        XDEL s 2-0 3-0 4-0
        XINFO STREAM s
        XRANGE s - +
        """

    static let trimming = """
        XADD s 1-0 a 1
        XADD s 2-0 a 2
        XADD s 3-0 a 3
        XADD s 4-0 a 4
        XADD s 5-0 a 5
        XTRIM s MAXLEN 3
        XTRIM s
        XTRIM s FOO 1
        XTRIM s MAXLEN ~ 1
        XTRIM s MAXLEN ~ 1 LIMIT 5
        XTRIM s MAXLEN 1 LIMIT 5
        XTRIM s MINID 4
        XTRIM s MINID ~ 5
        XTRIM s MINID -
        XTRIM nokey MAXLEN 1
        XRANGE s - +
        XINFO STREAM s FULL
        XSETID s 1-0
        XSETID s 10-0 ENTRIESADDED 1
        XSETID s 10-0 ENTRIESADDED -1
        XSETID s 10-0 MAXDELETEDID 11-0
        XSETID s 10-0 ENTRIESADDED 10 MAXDELETEDID 7-0
        XSETID s 10-0 FOO
        XSETID nokey 1-0
        XSETID s +
        XINFO STREAM s
        """

    static let nodes = """
        CONFIG SET stream-node-max-entries 4
        XADD s 1-0 a 1 b 2
        XADD s 2-0 a 3 b 4
        XADD s 3-0 b 3 a 4
        XADD s 4-0 a 5
        XADD s 5-0 a 5 b 6
        XADD s 6-0 a 7 b 8
        XADD s 7-0 a 9 b 10
        XADD s 8-0 a 11 b 12
        XADD s 9-0 a 13 b 14
        XINFO STREAM s
        DUMP s
        MEMORY USAGE s
        XDEL s 5-0 6-0 7-0 8-0
        XINFO STREAM s
        DUMP s
        XTRIM s MAXLEN ~ 2
        XINFO STREAM s FULL COUNT 2
        DUMP s
        CONFIG SET stream-node-max-entries 0
        CONFIG SET stream-node-max-bytes 60
        XADD t 1-0 field "value one"
        XADD t 2-0 field "value two"
        XADD t 3-0 field "value three"
        XINFO STREAM t
        DUMP t
        """

    static let groups = """
        XADD s 1-0 a 1
        XADD s 2-0 a 2
        XADD s 3-0 a 3
        XGROUP CREATE s g 0
        XGROUP CREATE s g 0
        XGROUP CREATE s h $ ENTRIESREAD 3
        XGROUP CREATE s bad 0 ENTRIESREAD -2
        XGROUP CREATE nokey g $
        XGROUP CREATE mk g $ MKSTREAM
        XGROUP CREATE s x 0 FOO
        XGROUP FOO s g
        XGROUP SETID s nogroup 0
        XINFO GROUPS s
        XREADGROUP GROUP g alice COUNT 1 STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XREADGROUP GROUP g alice STREAMS s 0
        XREADGROUP GROUP nogroup alice STREAMS s >
        XREADGROUP GROUP g alice STREAMS s $
        XREADGROUP STREAMS s >
        XREAD GROUP g alice STREAMS s >
        XREAD STREAMS s >
        XREAD NOACK STREAMS s 0
        XREAD STREAMS s
        XPENDING s g
        ? XPENDING s g - + 10
        ? XPENDING s g IDLE 0 - + 10 bob
        XPENDING s g - + 10 nobody
        XPENDING s g - +
        XPENDING s nogroup
        XACK s g 1-0 9-0
        XACK s g bad
        XACK s nogroup 1-0
        XPENDING s g
        XINFO GROUPS s
        ? XINFO CONSUMERS s g
        XINFO CONSUMERS s nogroup
        XCLAIM s g carol 0 2-0 JUSTID
        ? XCLAIM s g carol 0 3-0
        XCLAIM s g carol 0 2-0 FOO
        XCLAIM s g carol x 2-0
        XCLAIM s nogroup carol 0 2-0
        XPENDING s g
        XAUTOCLAIM s g dave 0 0-0 COUNT 10 JUSTID
        XAUTOCLAIM s g dave 0 0-0 COUNT 0
        XAUTOCLAIM s g dave 0 0-0 FOO
        XAUTOCLAIM s nogroup dave 0 0-0
        XDEL s 2-0
        XAUTOCLAIM s g erin 0 0-0 JUSTID
        XPENDING s g
        XGROUP CREATECONSUMER s g frank
        XGROUP CREATECONSUMER s g frank
        XGROUP DELCONSUMER s g dave
        XGROUP DELCONSUMER s g nobody
        XINFO GROUPS s
        XGROUP SETID s g 0 ENTRIESREAD 0
        XINFO GROUPS s
        XREADGROUP GROUP h zed NOACK STREAMS s >
        XADD s 4-0 a 4
        XREADGROUP GROUP h zed NOACK STREAMS s >
        XINFO GROUPS s
        XGROUP DESTROY s g
        XGROUP DESTROY s g
        XINFO GROUPS s
        XREAD COUNT 1 STREAMS s mk 0 0
        XREAD STREAMS s mk $ $
        XINFO STREAM s
        """

    static let claims = """
        XADD s 1-0 a 1
        XADD s 2-0 a 2
        XADD s 3-0 a 3
        XADD s 4-0 a 4
        XGROUP CREATE s g 0
        XREADGROUP GROUP g alice STREAMS s >
        XCLAIM s g bob 0 1-0 2-0 9-0 JUSTID RETRYCOUNT 7
        XCLAIM s g bob 0 3-0 TIME 1000 JUSTID
        XCLAIM s g bob 0 3-0 IDLE -5 JUSTID
        XCLAIM s g bob 0 3-0 RETRYCOUNT x
        XCLAIM s g bob 0 3-0 TIME x
        XCLAIM s g bob 0 3-0 IDLE x
        XCLAIM s g bob 0 3-0 LASTID bad
        XCLAIM s g carol 0 4-0 LASTID 10-0 JUSTID
        XINFO GROUPS s
        XCLAIM s g carol 0 1-5 FORCE JUSTID
        XCLAIM s g carol 0 5-0 FORCE JUSTID
        XCLAIM s g carol 3600000 1-0 JUSTID
        XCLAIM s g carol -1 1-0 JUSTID
        XPENDING s g
        XDEL s 2-0
        XCLAIM s g dave 0 2-0 JUSTID
        XPENDING s g
        XAUTOCLAIM s g erin 0 0-0 COUNT 1 JUSTID
        XAUTOCLAIM s g erin 0 (1-0 COUNT 1 JUSTID
        XAUTOCLAIM s g erin 0 - COUNT 2 JUSTID
        XAUTOCLAIM s g erin 3600000 0-0
        XAUTOCLAIM s g erin 0 0-0 COUNT -1
        XAUTOCLAIM s g erin x 0-0
        XAUTOCLAIM s g erin 0 bad
        XAUTOCLAIM s g erin 0 (18446744073709551615-18446744073709551615
        XPENDING s g IDLE 3600000 - + 10
        XPENDING s g IDLE x - + 10
        XPENDING s g IDLE 0 - + 10 erin extra
        XPENDING s g - + x
        ? XPENDING s g (0-0 (9-0 10 erin
        XREAD COUNT 1 STREAMS s 0-0
        XREAD COUNT -5 STREAMS s 0-0
        XREAD BLOCK -1 STREAMS s $
        XREAD BLOCK x STREAMS s $
        XREAD COUNT 1 STREAMS s s 0-0
        XREAD STREAMS s bad
        ? XINFO STREAM s FULL COUNT 0
        ? XINFO STREAM s FULL COUNT -1
        XINFO STREAM s FULL COUNT x
        XINFO STREAM s FULL LIMIT 1
        XINFO STREAM s EXTRA
        XINFO STREAM nokey
        XINFO GROUPS nokey
        XINFO CONSUMERS s nogroup
        XINFO FOO s
        """

    @Test func addingEntries() async throws {
        try await DifferentialHarness.compare(["adding": Self.adding])
    }

    @Test func rangesAndDeletion() async throws {
        try await DifferentialHarness.compare(["ranges": Self.ranges])
    }

    @Test func trimmingAndSetID() async throws {
        try await DifferentialHarness.compare(["trimming": Self.trimming])
    }

    @Test func nodesAsRedisServerLaysThemOut() async throws {
        try await DifferentialHarness.compare(["nodes": Self.nodes])
    }

    @Test func claimingAndReadingOptions() async throws {
        try await DifferentialHarness.compare(["claims": Self.claims])
    }

    @Test func consumerGroups() async throws {
        try await DifferentialHarness.compare(["groups": Self.groups])
    }
}
