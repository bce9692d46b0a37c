@testable import NodeEngine
import Testing

/// A client blocked on a key is served by whatever command makes the key a
/// list (or a sorted set), not only by a push: every call site of 7.0.15's
/// signalKeyAsReady (dbAdd, SWAPDB's scan), and after EXEC for keys that
/// arrive in a transaction.
@Suite struct BlockingWakeTests {
    static let served = "*2\r\n$3\r\nfoo\r\n$1\r\nx\r\n"
    static let zsetServed = "*3\r\n$3\r\nfoo\r\n$1\r\nx\r\n$1\r\n1\r\n"

    /// Each case: how the list `foo` comes to be, with `bob` (or DB 1) holding one first.
    static let listCases: [(String, [[String]])] = [
        ("RENAME", [["RPUSH", "bob", "x"], ["RENAME", "bob", "foo"]]),
        ("RENAME over a string", [["SET", "foo", "s"], ["RPUSH", "bob", "x"], ["RENAME", "bob", "foo"]]),
        ("RENAMENX", [["RPUSH", "bob", "x"], ["RENAMENX", "bob", "foo"]]),
        ("MOVE", [["SELECT", "1"], ["RPUSH", "foo", "x"], ["MOVE", "foo", "0"], ["SELECT", "0"]]),
        ("COPY", [["RPUSH", "bob", "x"], ["COPY", "bob", "foo"]]),
        ("COPY DB", [["SELECT", "1"], ["RPUSH", "bob", "x"], ["COPY", "bob", "foo", "DB", "0"], ["SELECT", "0"]]),
        ("LMOVE", [["RPUSH", "bob", "x"], ["LMOVE", "bob", "foo", "LEFT", "RIGHT"]]),
        ("RPOPLPUSH", [["RPUSH", "bob", "x"], ["RPOPLPUSH", "bob", "foo"]]),
        ("SORT STORE", [["RPUSH", "bob", "x"], ["SORT", "bob", "ALPHA", "STORE", "foo"]]),
        ("RESTORE", [["RPUSH", "bob", "x"], ["DUMP-RESTORE", "bob", "foo"]]),
        ("SWAPDB", [["SELECT", "1"], ["RPUSH", "foo", "x"], ["SELECT", "0"], ["SWAPDB", "0", "1"]]),
        ("MULTI", [["MULTI"], ["RPUSH", "foo", "x"], ["EXEC"]]),
        ("MULTI with a delete after", [["MULTI"], ["RPUSH", "foo", "x"], ["RPUSH", "foo", "y"], ["RPOP", "foo"], ["EXEC"]]),
    ]

    @Test(arguments: listCases)
    func blpopIsServed(name: String, steps: [[String]]) throws {
        let node = try EngineHarness()
        let waiter = node.connect()
        #expect(node.run(on: waiter, "BLPOP", "foo", "0") == "")
        for step in steps { run(node, step) }
        #expect(node.replies(of: waiter) == Self.served, "\(name)")
        #expect(node.run("EXISTS", "foo") == ":0\r\n", "\(name): the element was popped")
    }

    static let zsetCases: [(String, [[String]])] = [
        ("RENAME", [["ZADD", "bob", "1", "x"], ["RENAME", "bob", "foo"]]),
        ("ZUNIONSTORE", [["ZADD", "bob", "1", "x"], ["ZUNIONSTORE", "foo", "1", "bob"]]),
        ("ZINTERSTORE", [["ZADD", "bob", "1", "x"], ["ZINTERSTORE", "foo", "1", "bob"]]),
        ("ZDIFFSTORE", [["ZADD", "bob", "1", "x"], ["ZDIFFSTORE", "foo", "1", "bob"]]),
        ("ZRANGESTORE", [["ZADD", "bob", "1", "x"], ["ZRANGESTORE", "foo", "bob", "0", "-1"]]),
        ("GEOSEARCHSTORE", [["GEOADD", "bob", "13.361389", "38.115556", "x"],
                            ["GEOSEARCHSTORE", "foo", "bob", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"]]),
        ("COPY", [["ZADD", "bob", "1", "x"], ["COPY", "bob", "foo"]]),
    ]

    @Test(arguments: zsetCases)
    func bzpopminIsServed(name: String, steps: [[String]]) throws {
        let node = try EngineHarness()
        let waiter = node.connect()
        #expect(node.run(on: waiter, "BZPOPMIN", "foo", "0") == "")
        for step in steps { run(node, step) }
        // The member's score follows: 1, or a geohash for GEOSEARCHSTORE.
        #expect(node.replies(of: waiter).hasPrefix("*3\r\n$3\r\nfoo\r\n$1\r\nx\r\n"), "\(name)")
    }

    /// A BLPOP stays blocked when a sorted set appears at its key, and the
    /// next client in line, waiting for a sorted set, is served.
    @Test func aClientWaitingForAnotherTypeStaysBlocked() throws {
        let node = try EngineHarness()
        let listWaiter = node.connect()
        let zsetWaiter = node.connect()
        node.run(on: listWaiter, "BLPOP", "foo", "0")
        node.run(on: zsetWaiter, "BZPOPMIN", "foo", "0")
        node.run("ZADD", "foo", "1", "x")
        #expect(node.replies(of: listWaiter) == "")
        #expect(node.replies(of: zsetWaiter) == Self.zsetServed)
        node.run("RPUSH", "foo", "x")
        #expect(node.replies(of: listWaiter) == Self.served)
    }

    private func run(_ node: EngineHarness, _ step: [String]) {
        if step.first == "DUMP-RESTORE" {
            let payload = EngineHarness.bulk(node.run(bytes: [Array("DUMP".utf8), Array(step[1].utf8)]))!
            #expect(node.run(bytes: [Array("RESTORE".utf8), Array(step[2].utf8), [48], payload]) == Array("+OK\r\n".utf8))
            return
        }
        _ = node.run(step)
    }
}
