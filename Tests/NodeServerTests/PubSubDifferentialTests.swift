import Foundation
import Testing
import TestSupport

/// Pub/sub as a subscriber sees it, on redis-server 7.0.15 and the engine:
/// the same subscription replies, messages and pattern messages, byte for
/// byte, in RESP2 (arrays) and RESP3 (pushes).
@Suite struct PubSubDifferentialTests {
    static let subscriberScript = """
        SUBSCRIBE news sport
        PSUBSCRIBE n*
        SSUBSCRIBE shard
        GET k
        PING
        PING hi
        UNSUBSCRIBE sport
        PUNSUBSCRIBE
        PUNSUBSCRIBE
        SUNSUBSCRIBE
        UNSUBSCRIBE
        UNSUBSCRIBE
        PING
        """

    @Test func subscribersSeeTheSameBytes() async throws {
        try await DifferentialHarness.compare(["subscriber": Self.subscriberScript])
    }

    @Test func messagesAndPatternMessagesReachSubscribers() async throws {
        let reference = try RedisServerProcess(cluster: false, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { reference.kill(); engine.kill(); reference.removeFiles(); engine.removeFiles() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        for protocolVersion in ["2", "3"] {
            var seen: [[[UInt8]]] = []
            for server in [reference, engine] {
                let subscriber = try RawRESPConnection(port: server.port)
                let publisher = try RawRESPConnection(port: server.port)
                var replies: [[UInt8]] = []
                replies.append(try subscriber.command(["HELLO", protocolVersion]).isEmpty ? [] : [1])
                replies.append(try subscriber.command(["SUBSCRIBE", "news"]))
                replies.append(try subscriber.command(["PSUBSCRIBE", "ne*"]))
                replies.append(try publisher.command(["PUBLISH", "news", "hello"]))
                replies.append(try subscriber.readReply())
                replies.append(try subscriber.readReply())
                replies.append(try publisher.command(["PUBLISH", "nothing", "x"]))
                replies.append(try publisher.command(["PUBSUB", "NUMSUB", "news", "none"]))
                replies.append(try publisher.command(["PUBSUB", "NUMPAT"]))
                replies.append(try publisher.command(["PUBSUB", "CHANNELS"]))
                replies.append(try publisher.command(["PUBSUB", "CHANNELS", "z*"]))
                seen.append(replies)
            }
            for (index, (want, got)) in zip(seen[0], seen[1]).enumerated() {
                #expect(want == got, "RESP\(protocolVersion) step \(index): redis-server \(String(decoding: want, as: UTF8.self)) engine \(String(decoding: got, as: UTF8.self))")
            }
        }
    }
}
