import Foundation
import Testing
import TestSupport

/// Function libraries travel as redis-server's do: FUNCTION LOAD, DELETE
/// and FCALL's effects reach a replica through the stream, a full sync
/// carries the libraries, and dump.rdb keeps them across a restart, read
/// by either server whichever wrote it.
@Suite(.serialized) struct FunctionsPersistenceTests {
    static let fastSync = ["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]
    static let counter = "#!lua name=counters\nredis.register_function('bump', function(keys) return redis.call('incr', keys[1]) end)"
    static let reader = "#!lua name=readers\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}"

    private func text(_ node: RedisServerProcess, _ words: [String]) throws -> String {
        String(decoding: try RawRESPConnection(port: node.port, timeoutSeconds: 60).command(words), as: UTF8.self)
    }

    private func eventually(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    static let pairs: [(TestServer, TestServer)] = [(.engine, .redis70), (.redis70, .engine), (.engine, .engine)]

    @Test(arguments: pairs)
    func librariesReachAReplicaBySyncAndByStream(master: TestServer, replica: TestServer) async throws {
        let primary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: master)
        let secondary = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: replica)
        defer { primary.kill(); secondary.kill(); primary.removeFiles(); secondary.removeFiles() }
        try await primary.waitUntilReady()
        try await secondary.waitUntilReady()
        #expect(try text(primary, ["FUNCTION", "LOAD", Self.counter]) == "$8\r\ncounters\r\n")
        #expect(try text(secondary, ["FUNCTION", "LOAD", Self.reader]) == "$7\r\nreaders\r\n")
        #expect(try text(secondary, ["REPLICAOF", "127.0.0.1", String(primary.port)]) == "+OK\r\n")
        // The full sync replaces the replica's own libraries with the master's.
        #expect(try await eventually(20) { try text(secondary, ["FCALL_RO", "peek", "1", "x"]) == "-ERR Function not found\r\n" })
        #expect(try await eventually(20) { try text(secondary, ["FUNCTION", "LIST"]).contains("counters") })
        let writer = try RawRESPConnection(port: primary.port)
        #expect(String(decoding: try writer.command(["FUNCTION", "LOAD", Self.reader]), as: UTF8.self) == "$7\r\nreaders\r\n")
        #expect(String(decoding: try writer.command(["FCALL", "bump", "1", "hits"]), as: UTF8.self) == ":1\r\n")
        #expect(String(decoding: try writer.command(["WAIT", "1", "5000"]), as: UTF8.self) == ":1\r\n")
        #expect(try text(secondary, ["FCALL_RO", "peek", "1", "hits"]) == "$1\r\n1\r\n")
        #expect(try text(secondary, ["FCALL", "bump", "1", "hits"]).hasPrefix("-READONLY"))
        _ = try writer.command(["FUNCTION", "DELETE", "counters"])
        _ = try writer.command(["WAIT", "1", "5000"])
        #expect(try text(secondary, ["FCALL", "bump", "1", "hits"]) == "-ERR Function not found\r\n")
        #expect(try text(primary, ["FUNCTION", "DUMP"]) == text(secondary, ["FUNCTION", "DUMP"]))
        _ = try writer.command(["FUNCTION", "FLUSH"])
        _ = try writer.command(["WAIT", "1", "5000"])
        #expect(try text(secondary, ["FUNCTION", "LIST"]) == "*0\r\n")
    }

    /// Saved by `writer`, loaded at start by `reader`.
    @Test(arguments: [(TestServer.engine, TestServer.engine), (.engine, .redis70), (.redis70, .engine)])
    func dumpRDBKeepsLibrariesAcrossARestart(writer: TestServer, reader: TestServer) async throws {
        let saving = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: writer)
        let loading = try RedisServerProcess(cluster: false, extraArguments: Self.fastSync, server: reader)
        defer { saving.kill(); loading.kill(); saving.removeFiles(); loading.removeFiles() }
        try await saving.waitUntilReady()
        try await loading.waitUntilReady()
        _ = try text(saving, ["FUNCTION", "LOAD", Self.counter])
        _ = try text(saving, ["FUNCTION", "LOAD", Self.reader])
        _ = try text(saving, ["SET", "hits", "41"])
        #expect(try text(saving, ["SAVE"]) == "+OK\r\n")
        loading.stop()
        let target = loading.directory.appendingPathComponent("dump.rdb")
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: saving.directory.appendingPathComponent("dump.rdb"), to: target)
        try loading.start()
        try await loading.waitUntilReady()
        #expect(try text(loading, ["FCALL", "bump", "1", "hits"]) == ":42\r\n", "\(loading.diagnosis())")
        #expect(try text(loading, ["FCALL_RO", "peek", "1", "hits"]) == "$2\r\n42\r\n")
        #expect(try text(loading, ["FUNCTION", "LIST", "LIBRARYNAME", "readers"]).contains("reads a key"))
        // DEBUG RELOAD empties the libraries with the keys and loads them back; NOFLUSH finds them there.
        #expect(try text(loading, ["DEBUG", "RELOAD"]) == "+OK\r\n")
        #expect(try text(loading, ["FCALL", "bump", "1", "hits"]) == ":43\r\n")
        #expect(try text(loading, ["DEBUG", "RELOAD", "NOFLUSH"]).hasPrefix("-ERR Error trying to load the RDB dump"))
        #expect(try text(loading, ["DEBUG", "RELOAD", "NOFLUSH", "MERGE"]) == "+OK\r\n")
    }
}
