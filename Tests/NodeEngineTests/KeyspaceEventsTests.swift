@testable import NodeEngine
import Testing

/// notify-keyspace-events' letters read and written as notify.c does, and
/// the events that only a node's own work emits (eviction).
@Suite struct KeyspaceEventsTests {
    @Test(arguments: [("KEA", "AKE"), ("AKE", "AKE"), ("gK$", "g$K"), ("Elsh", "lshE"), ("Kn", "nK"), ("KEAm", "AKEm"),
                      ("An", "A"), ("", ""), ("zxetd", "zxetd"), ("g$lshzxetd", "A")])
    func lettersRoundTripAsRedisServerPrintsThem(input: String, canonical: String) {
        #expect(KeyspaceEvents(letters: input)?.letters == canonical)
    }

    @Test(arguments: ["Kq", "a", "K E", "k"])
    func unknownLettersAreRefused(input: String) {
        #expect(KeyspaceEvents(letters: input) == nil)
    }

    @Test func evictionsArePublished() throws {
        let node = try EngineHarness(["--maxmemory-policy", "allkeys-random", "--notify-keyspace-events", "Ee"])
        let subscriber = node.connect()
        node.run(on: subscriber, "SUBSCRIBE", "__keyevent@0__:evicted")
        for index in 0..<2000 { node.run("SET", "key\(index)", String(repeating: "x", count: 100)) }
        node.run("CONFIG", "SET", "maxmemory", "1")
        node.run("SET", "one", "more")
        let messages = node.replies(of: subscriber)
        #expect(messages.contains("$7\r\nmessage\r\n$22\r\n__keyevent@0__:evicted\r\n"), "\(messages.prefix(300))")
    }
}

/// CONFIG SET maxmemory below what is used evicts at once, as updateMaxmemory
/// does, not only before the next write.
@Suite struct MaxmemoryChangeTests {
    @Test func loweringMaxmemoryEvictsAtOnce() throws {
        let node = try EngineHarness(["--maxmemory-policy", "allkeys-random"])
        for index in 0..<500 { node.run("SET", "key\(index)", String(repeating: "x", count: 200)) }
        node.run("CONFIG", "SET", "maxmemory", "1")
        #expect(node.run("DBSIZE") == ":0\r\n")
    }
}
