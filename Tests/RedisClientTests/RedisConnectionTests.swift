import ClusterModel
import NIOCore
import RedisClient
import RESP
import Testing
import TestSupport

/// Against real redis-server 7.0 processes on loopback.
@Suite struct RedisConnectionTests {
    @Test func pipelinedRepliesComeBackInOrder() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        let sets = (0..<5000).map { ["SET", "k\($0)", "v\($0)"] }
        #expect(try await connection.pipeline(sets).allSatisfy { (try? $0.get()) == .simpleString("OK") })
        let replies = try await connection.pipeline((0..<5000).map { ["GET", "k\($0)"] })
        for (index, reply) in replies.enumerated() {
            #expect(try reply.get().string == "v\(index)")
        }
    }

    @Test func concurrentCallersEachGetTheirOwnReplies() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<20 {
                group.addTask {
                    for round in 0..<50 {
                        let reply = try await connection.send(["ECHO", "\(task)-\(round)"])
                        #expect(reply.string == "\(task)-\(round)")
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func errorRepliesAreTypedAndPipelinesKeepTheRest() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        let replies = try await connection.pipeline([["SET", "a", "1"], ["LPUSH", "a", "x"], ["GET", "a"]])
        #expect(try replies[0].get() == .simpleString("OK"))
        guard case .failure(let error) = replies[1] else { Issue.record("LPUSH on a string succeeded"); return }
        #expect(error.code == "WRONGTYPE")
        #expect(try replies[2].get().string == "1")
        await #expect(throws: RedisClientError.self) { try await connection.send(["NOSUCHCOMMAND"]) }
    }

    @Test func binaryValuesSurviveTheRoundTrip() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address)
        defer { Task { await connection.close() } }
        var random = SplitMix64(seed: 7)
        let value = ByteBuffer(bytes: (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) } + [13, 10, 0])
        let key = ByteBuffer(bytes: [0, 13, 10, 255])
        try await connection.send([ByteBuffer(string: "SET"), key, value])
        #expect(try await connection.send([ByteBuffer(string: "GET"), key]) == .bulkString(value))
    }

    @Test func resp3RepliesUseTheirOwnTypes() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address, options: .init(protocolVersion: .resp3))
        defer { Task { await connection.close() } }
        try await connection.send(["HSET", "h", "f", "v"])
        #expect(try await connection.send(["HGETALL", "h"]) == .map([RESPPair(.bulk("f"), .bulk("v"))]))
        #expect(try await connection.send(["GET", "missing"]) == .null)
    }

    @Test func commandTimeoutIsBoundedAndNamesTheCommand() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address, options: .init(commandTimeoutMilliseconds: 200))
        do {
            try await connection.send(["BLPOP", "nothing", "30"])
            Issue.record("BLPOP returned before its timeout")
        } catch {
            guard case .commandTimedOut(let address, let command, 200) = error else { Issue.record("wrong error \(error)"); return }
            #expect(address == server.address)
            #expect(command == "BLPOP")
        }
        // The reply stream is unusable after a timeout: later calls fail fast.
        await #expect(throws: RedisClientError.self) { try await connection.send(["PING"]) }
    }

    @Test func sendingOnAClosedConnectionFailsInsteadOfWaiting() async throws {
        let server = try RedisServerProcess(cluster: false)
        try await server.waitUntilReady()
        defer { if !server.isRunning { Issue.record(Comment(rawValue: server.diagnosis())) } }
        let connection = try await RedisConnection.connect(to: server.address, options: .init(commandTimeoutMilliseconds: 60_000))
        await connection.close()
        do {
            try await connection.send(["PING"])
            Issue.record("PING on a closed connection succeeded")
        } catch {
            guard case .connectionClosed = error else { Issue.record("wrong error \(error)"); return }
        }
    }

    @Test func refusedConnectionSaysSo() async throws {
        let address = NodeAddress(host: "127.0.0.1", port: PortAllocator.allocate())
        do {
            _ = try await RedisConnection.connect(to: address)
            Issue.record("connected to a closed port")
        } catch {
            guard case .connectFailed(address, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("refused"))
        }
    }
}
