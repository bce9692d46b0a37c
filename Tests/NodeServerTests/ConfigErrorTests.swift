import Foundation
import Testing
import TestSupport

/// A bad directive stops the start with redis-server's own message: the
/// line number, the line and the reason, for a file and the command line.
@Suite struct ConfigErrorTests {
    static let cases: [[String]] = [
        ["--port", "abc"], ["--nosuch", "1"], ["--save", "1"], ["--maxmemory-policy", "foo"], ["--port", "1", "2"],
        ["--protected-mode", "maybe"], ["--maxmemory", "lots"], ["--hz", "-1"], ["--port", "7000", "--databases", "0"],
        ["--appendfsync", "sometimes"], ["--port", "a\"b\\c"],
        // Checks after the last line are reported without one.
        ["--cluster-enabled", "yes", "--replicaof", "127.0.0.1", "7000"], ["--logfile", "/nonexistent-folder/redis.log"],
        ["--activedefrag", "yes"], ["--rename-command", "nosuch", "x"], ["--x.y"],
        ["--save", "0", "1"], ["--client-output-buffer-limit", "master 1 1 1"], ["--oom-score-adj-values", "1 2"],
        ["--bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"], ["--unixsocketperm", "888"], ["--dir", "/nonexistent-folder"],
        ["--dbfilename", "a/b"], ["--appenddirname", ""], ["--proc-title-template", "{bad}"], ["--notify-keyspace-events", "Q"],
        ["--list-max-ziplist-entries", "1", "2"], ["--maxmemory-clients", "101%"],
    ]

    @Test(arguments: cases)
    func commandLineErrorsMatchRedisServer(arguments: [String]) async throws {
        let reference = try await ProcessRunner.run("redis-server", arguments)
        let engine = try await RClusterBinary.run(["server"] + arguments)
        #expect(reference.exitCode == 1)
        #expect(engine.exitCode == 1)
        #expect(engine.stderr == reference.stderr, "engine:\n\(engine.stderr)\nredis-server:\n\(reference.stderr)")
    }

    @Test func fileErrorsNameTheLineAndTheFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("redis.conf").path
        try "port 7000\n# a comment\n\nbind 127.0.0.1\nmaxmemory lots\n".write(toFile: path, atomically: true, encoding: .utf8)
        for extra in [[], ["--port", "x"]] {
            let reference = try await ProcessRunner.run("redis-server", [path] + extra)
            let engine = try await RClusterBinary.run(["server", path] + extra)
            #expect(engine.exitCode == 1)
            #expect(engine.stderr == reference.stderr, "engine:\n\(engine.stderr)\nredis-server:\n\(reference.stderr)")
        }
        let missing = try await RClusterBinary.run(["server", folder.appendingPathComponent("nope.conf").path])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("Fatal error, can't open config file"))
    }
}
