import Foundation
import Testing
import TestSupport

/// MIGRATE between the engine and redis-server 7.0.15 in all four
/// directions: every type arrives with its digest and TTL, the source
/// forgets it, and the options and failures answer as redis-server's do.
@Suite struct MigrateTests {
    static let pairs: [(TestServer, TestServer)] = [(.engine, .redis70), (.redis70, .engine), (.engine, .engine), (.redis70, .redis70)]

    @Test(arguments: 0..<4)
    func keysOfEveryTypeMoveAndOptionsAnswerAsRedisServerDoes(pair: Int) async throws {
        let (sourceServer, targetServer) = Self.pairs[pair]
        let arguments = ["--enable-debug-command", "yes"]
        let source = try RedisServerProcess(cluster: false, extraArguments: arguments, server: sourceServer)
        let target = try RedisServerProcess(cluster: false, extraArguments: arguments + ["--requirepass", "secret"], server: targetServer)
        defer { source.kill(); target.kill(); source.removeFiles(); target.removeFiles() }
        try await source.waitUntilReady()
        try await target.waitUntilReady()
        let from = try RawRESPConnection(port: source.port), to = try RawRESPConnection(port: target.port)
        #expect(try to.command(["AUTH", "secret"]) == Array("+OK\r\n".utf8))
        func reply(_ words: [String]) throws -> String { String(decoding: try from.command(words), as: UTF8.self) }
        let port = String(target.port)
        var digests: [String: [UInt8]] = [:], streams: [String: [UInt8]] = [:]
        for (key, build) in DumpRestoreTests.keys {
            for command in build { _ = try from.command(command) }
            digests[key] = try from.command(["DEBUG", "DIGEST-VALUE", key])
            // The digest covers a stream's entries; XINFO STREAM FULL its groups, PELs and consumers too.
            if key.hasPrefix("x:") { streams[key] = try from.command(["XINFO", "STREAM", key, "FULL"]) }
        }
        let all = DumpRestoreTests.keys.map(\.key)
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "s:short", "0", "5000", "AUTH", "wrong"])
                .hasPrefix("-ERR Target instance replied with error: WRONGPASS"))
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "s:short", "0", "5000"]).hasPrefix("-ERR Target instance replied with error: NOAUTH"))
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "s:short", "0", "5000", "AUTH2", "default", "secret", "COPY"]) == "+OK\r\n")
        #expect(try reply(["EXISTS", "s:short"]) == ":1\r\n")
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "s:short", "0", "5000", "AUTH", "secret"])
                == "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n")
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "", "0", "5000", "AUTH", "secret", "REPLACE", "KEYS"] + all + ["missing"]) == "+OK\r\n")
        #expect(try reply(["DBSIZE"]) == ":0\r\n")
        for key in all {
            #expect(try to.command(["DEBUG", "DIGEST-VALUE", key]) == digests[key], "\(key)")
            if let full = streams[key] { #expect(try to.command(["XINFO", "STREAM", key, "FULL"]) == full, "\(key)") }
        }
        #expect(String(decoding: try to.command(["PTTL", "s:ttl"]), as: UTF8.self).count > 6)
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "", "0", "5000", "AUTH", "secret", "KEYS", "missing"]) == "+NOKEY\r\n")
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "x", "0", "5000", "KEYS", "y"])
                == "-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n")
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "x", "0", "5000", "AUTH2", "u"]) == "-ERR syntax error\r\n")
        #expect(try reply(["MIGRATE", "127.0.0.1", port, "x", "zero", "5000"]) == "-ERR value is not an integer or out of range\r\n")
        _ = try from.command(["SET", "k", "v"])
        let closed = PortAllocator.allocate()
        #expect(try reply(["MIGRATE", "127.0.0.1", String(closed), "k", "0", "500"]) == "-IOERR error or timeout writing to target instance\r\n")
        #expect(try reply(["GET", "k"]) == "$1\r\nv\r\n")
    }

    /// Connections waiting in the accept queue of 127.0.0.1:`port`'s
    /// listening socket (/proc/net/tcp's rx_queue on its LISTEN line): found
    /// by a byte search, quick however many connections the machine has.
    static func pendingConnections(toPort port: Int) -> Int {
        let table = FileHandle(forReadingAtPath: "/proc/net/tcp")?.readDataToEndOfFile() ?? Data()
        let listening = Data(("0100007F:" + String(format: "%04X", port) + " 00000000:0000 0A ").utf8)
        guard let found = table.range(of: listening) else { return 0 }
        let queues = String(decoding: table[found.upperBound..<min(found.upperBound + 17, table.count)], as: UTF8.self)
        return Int(queues.split(separator: ":").last ?? "", radix: 16) ?? 0
    }

    /// A MIGRATE holds the node's other clients as redis-server's blocking
    /// MIGRATE does: a command sent meanwhile runs after it, not between.
    @Test func otherClientsWaitForAMigrationToEnd() async throws {
        let source = try RedisServerProcess(cluster: false, server: .engine)
        let target = try RedisServerProcess(cluster: false, server: .redis70)
        defer { source.kill(); target.kill(); source.removeFiles(); target.removeFiles() }
        try await source.waitUntilReady()
        try await target.waitUntilReady()
        let migrating = try RawRESPConnection(port: source.port), other = try RawRESPConnection(port: source.port)
        // Small enough to encode at once, even in a debug build under load.
        _ = try migrating.command(["SET", "big", String(repeating: "x", count: 64 << 10)])
        target.pause()
        try migrating.sendRaw(Array("*6\r\n$7\r\nMIGRATE\r\n$9\r\n127.0.0.1\r\n$5\r\n\(target.port)\r\n$3\r\nbig\r\n$1\r\n0\r\n$4\r\n5000\r\n".utf8))
        // The MIGRATE is under way once its connection waits in the stopped
        // target's accept queue (the kernel completes it for the process).
        let deadline = ContinuousClock.now + .seconds(4)
        while Self.pendingConnections(toPort: target.port) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        try #require(Self.pendingConnections(toPort: target.port) > 0, "the MIGRATE never connected to the target")
        try other.sendRaw(Array("*2\r\n$6\r\nEXISTS\r\n$3\r\nbig\r\n".utf8))
        // EXISTS waits for the MIGRATE to end (its 5 s timeout), so the
        // MIGRATE's reply is there first, whenever the test looks.
        #expect(RawRESPConnection.firstReadable([migrating, other], withinMilliseconds: 10_000) == 0, "EXISTS was answered before the MIGRATE")
        #expect(String(decoding: try migrating.readReply(), as: UTF8.self) == "-IOERR error or timeout reading to target instance\r\n")
        #expect(try other.readReply() == Array(":1\r\n".utf8))
        target.resume()
    }
}
