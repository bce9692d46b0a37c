import Foundation
import NIOCore
import RESP
import Testing
import TestSupport

/// A script past busy-reply-threshold on redis-server 7.0.15 and on the
/// engine, the same steps on both: other clients get BUSY (and the few
/// allow-busy commands run), SCRIPT KILL ends a script that wrote nothing,
/// UNKILLABLE one that did, and the node serves again afterwards. Every
/// reply is compared byte for byte.
@Suite struct ScriptingBusyTests {
    static let forever = "local i = 0 while true do i = i + 1 end"
    /// Writes, then runs 1.5 s by the server's clock.
    static let writesThenRuns = "redis.call('set', 'written', 'yes') local t = redis.call('time') "
        + "while true do local n = redis.call('time') if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 1500000 then break end end return 'done'"

    static func send(_ connection: RawRESPConnection, _ words: [String]) throws {
        var out = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &out)
        try connection.sendRaw(Array(out.readableBytesView))
    }

    /// Waits until `probe` gets BUSY (the script crossed the threshold).
    static func waitUntilBusy(_ probe: RawRESPConnection) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try probe.command(["PING"]).starts(with: Array("-BUSY".utf8)) { return }
            usleep(20_000)
        }
        throw TestSupportError("the script never made the server busy")
    }

    /// What one server answers through a busy script's life.
    static func transcript(_ server: TestServer) async throws -> [String] {
        let node = try RedisServerProcess(cluster: false, extraArguments: ["--busy-reply-threshold", "200"], server: server)
        defer { node.kill(); node.removeFiles() }
        try await node.waitUntilReady()
        var replies: [String] = []
        func record(_ bytes: [UInt8]) { replies.append(String(decoding: bytes, as: UTF8.self)) }
        let caller = try RawRESPConnection(port: node.port)
        let other = try RawRESPConnection(port: node.port)
        record(try other.command(["SCRIPT", "KILL"]))
        try send(caller, ["EVAL", forever, "0"])
        try waitUntilBusy(other)
        for words in [["GET", "x"], ["SET", "x", "1"], ["EVAL", "return 1", "0"], ["MULTI"], ["GET", "x"], ["EXEC"],
                      ["DISCARD"], ["SCRIPT", "FLUSH"], ["INFO", "memory"]] {
            record(try other.command(words))
        }
        // A new connection is answered too.
        record(try RawRESPConnection(port: node.port).command(["PING"]))
        record(try other.command(["SCRIPT", "KILL"]))
        record(try caller.readReply())
        record(try other.command(["PING"]))
        record(try caller.command(["PING"]))
        record(try other.command(["SCRIPT", "KILL"]))
        // Once it wrote, it cannot be killed: it runs to its end.
        try send(caller, ["EVAL", writesThenRuns, "0"])
        try waitUntilBusy(other)
        record(try other.command(["SCRIPT", "KILL"]))
        record(try caller.readReply())
        record(try other.command(["GET", "written"]))
        return replies
    }

    @Test func busyScriptsAndScriptKill() async throws {
        let expected = try await Self.transcript(.redis70)
        let actual = try await Self.transcript(.engine)
        #expect(expected.count == actual.count)
        for (index, (want, got)) in zip(expected, actual).enumerated() where want != got {
            Issue.record("step \(index):\n  redis-server: \(want.debugDescription)\n  engine:       \(got.debugDescription)")
        }
    }
}
