import Foundation
import Testing
import TestSupport

/// Blocking pops over real connections: clients wake in arrival order,
/// keep their timeouts, and a client's later commands wait behind its pop.
@Suite struct BlockingTests {
    @Test func blockedClientsAreServedInArrivalOrderAndTimeOut() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let first = try RawRESPConnection(port: engine.port)
        let second = try RawRESPConnection(port: engine.port)
        let pusher = try RawRESPConnection(port: engine.port)
        func send(_ connection: RawRESPConnection, _ words: [String]) throws {
            try connection.sendRaw(Array((["*\(words.count)"] + words.flatMap { ["$\($0.utf8.count)", $0] }).joined(separator: "\r\n").utf8) + [13, 10])
        }
        // Each waits until the node counts it blocked, so the order is known.
        func blocked(_ count: Int) async throws -> Bool {
            for _ in 0..<200 {
                if String(decoding: try pusher.command(["INFO", "clients"]), as: UTF8.self).contains("blocked_clients:\(count)\r\n") { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        try send(first, ["BLPOP", "queue", "0"])
        #expect(try await blocked(1))
        try send(second, ["BLPOP", "queue", "other", "0"])
        // Sent while blocked: runs only once the pop is served.
        try send(second, ["PING"])
        #expect(try await blocked(2))
        #expect(try pusher.command(["RPUSH", "queue", "a", "b"]) == Array(":2\r\n".utf8))
        #expect(try first.readReply() == Array("*2\r\n$5\r\nqueue\r\n$1\r\na\r\n".utf8))
        #expect(try second.readReply() == Array("*2\r\n$5\r\nqueue\r\n$1\r\nb\r\n".utf8))
        #expect(try second.readReply() == Array("+PONG\r\n".utf8))

        let start = ContinuousClock.now
        #expect(try first.command(["BRPOP", "empty", "0.2"]) == Array("*-1\r\n".utf8))
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(190), "returned after \(waited)")
    }
}

/// A subscriber that stops reading is disconnected once its output passes
/// the pubsub class's hard limit, as client-output-buffer-limit says.
@Suite struct SlowSubscriberTests {
    @Test func aSubscriberThatDoesNotReadIsDisconnected() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let publisher = try RawRESPConnection(port: engine.port)
        #expect(try publisher.command(["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"]) == Array("+OK\r\n".utf8))
        let subscriber = try RawRESPConnection(port: engine.port)
        _ = try subscriber.command(["SUBSCRIBE", "firehose"])
        let message = String(repeating: "x", count: 512 * 1024)
        var delivered = 0
        for _ in 0..<64 {
            let reply = String(decoding: try publisher.command(["PUBLISH", "firehose", message]), as: UTF8.self)
            delivered += reply == ":1\r\n" ? 1 : 0
            if reply == ":0\r\n" { break }
        }
        #expect(delivered < 64, "the subscriber was never disconnected")
        #expect(try publisher.command(["PUBSUB", "NUMSUB", "firehose"]) == Array("*2\r\n$8\r\nfirehose\r\n:0\r\n".utf8))
    }
    /// The soft limit: past it a subscriber stays until it has been there
    /// for more than its seconds, then the next message closes it, on the
    /// engine as on redis-server.
    @Test(arguments: [TestServer.engine, TestServer.redis70])
    func aSubscriberPastTheSoftLimitIsClosedOnlyAfterItsSeconds(server: TestServer) async throws {
        let node = try RedisServerProcess(cluster: false, server: server)
        defer { node.kill(); node.removeFiles() }
        try await node.waitUntilReady()
        let publisher = try RawRESPConnection(port: node.port)
        #expect(try publisher.command(["CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 1mb 1"]) == Array("+OK\r\n".utf8))
        let subscriber = try RawRESPConnection(port: node.port)
        _ = try subscriber.command(["SUBSCRIBE", "firehose"])
        let message = String(repeating: "x", count: 512 * 1024)
        // Enough to fill the socket's buffers and pass 1 MB in the server's.
        for _ in 0..<24 { _ = try publisher.command(["PUBLISH", "firehose", message]) }
        #expect(try publisher.command(["PUBSUB", "NUMSUB", "firehose"]) == Array("*2\r\n$8\r\nfirehose\r\n:1\r\n".utf8), "closed before its second")
        try await Task.sleep(for: .milliseconds(2500))
        #expect(try publisher.command(["PUBLISH", "firehose", "one more"]) == Array(":0\r\n".utf8) ||
                (try publisher.command(["PUBSUB", "NUMSUB", "firehose"])) == Array("*2\r\n$8\r\nfirehose\r\n:0\r\n".utf8))
        #expect(try publisher.command(["PUBSUB", "NUMSUB", "firehose"]) == Array("*2\r\n$8\r\nfirehose\r\n:0\r\n".utf8))
    }
}

@Suite struct BlockingZSetTests {
    @Test func aZAddWakesAClientBlockedInBZPOPMIN() async throws {
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { engine.kill(); engine.removeFiles() }
        try await engine.waitUntilReady()
        let waiter = try RawRESPConnection(port: engine.port)
        let writer = try RawRESPConnection(port: engine.port)
        try waiter.sendRaw(Array("*3\r\n$8\r\nBZPOPMIN\r\n$6\r\nscores\r\n$1\r\n0\r\n".utf8))
        try await Task.sleep(for: .milliseconds(50))
        #expect(try writer.command(["ZADD", "scores", "2", "b", "1", "a"]) == Array(":2\r\n".utf8))
        #expect(try waiter.readReply() == Array("*3\r\n$6\r\nscores\r\n$1\r\na\r\n$1\r\n1\r\n".utf8))
    }
}

/// CLIENT PAUSE on the engine and on redis-server: WRITE holds writes and lets
/// reads through, ALL holds everything, and held commands run when it ends.
@Suite struct ClientPauseTests {
    @Test(arguments: [TestServer.engine, TestServer.redis70])
    func pauseHoldsWritesOrEverythingUntilItEnds(server: TestServer) async throws {
        let node = try RedisServerProcess(cluster: false, server: server)
        defer { node.kill(); node.removeFiles() }
        try await node.waitUntilReady()
        let admin = try RawRESPConnection(port: node.port)
        let writer = try RawRESPConnection(port: node.port)
        let reader = try RawRESPConnection(port: node.port)
        #expect(try admin.command(["CLIENT", "PAUSE", "abc"]) == Array("-ERR timeout is not an integer or out of range\r\n".utf8))
        #expect(try admin.command(["CLIENT", "PAUSE", "100", "SOME"]) == Array("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n".utf8))

        #expect(try admin.command(["CLIENT", "PAUSE", "300", "WRITE"]) == Array("+OK\r\n".utf8))
        try writer.sendRaw(Array("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n".utf8))
        #expect(try reader.command(["GET", "x"]) == Array("$-1\r\n".utf8))  // reads go on, the write waits
        #expect(try writer.readReply() == Array("+OK\r\n".utf8))  // once the pause ends
        #expect(try reader.command(["GET", "x"]) == Array("$1\r\n1\r\n".utf8))

        #expect(try admin.command(["CLIENT", "PAUSE", "200", "ALL"]) == Array("+OK\r\n".utf8))
        let start = ContinuousClock.now
        #expect(try reader.command(["GET", "x"]) == Array("$1\r\n1\r\n".utf8))  // held, then answered
        #expect(ContinuousClock.now - start >= .milliseconds(150), "a read ran during CLIENT PAUSE ALL")

        #expect(try admin.command(["CLIENT", "PAUSE", "10000", "WRITE"]) == Array("+OK\r\n".utf8))
        try writer.sendRaw(Array("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n2\r\n".utf8))
        #expect(try admin.command(["CLIENT", "UNPAUSE"]) == Array("+OK\r\n".utf8))
        #expect(try writer.readReply() == Array("+OK\r\n".utf8))
    }
}
