import Foundation
import Testing
import TestSupport

/// The two redis.conf files users start with: Redis 7.0.15's stock file and
/// Debian's /etc/redis/redis.conf. The engine loads them, serves, and shows
/// the same CONFIG GET * as redis-server started the same way; CONFIG
/// REWRITE writes the same file.
@Suite struct ConfigFileTests {
    static let stockFile = Fixtures.root.appendingPathComponent("config/redis-7.0.15.conf").path
    static let debianFile = "/etc/redis/redis.conf"
    /// Paths and ports each server has of its own.
    static let ownValues: Set<String> = ["port", "dir", "pidfile", "logfile"]

    @Test func theStockRedisConfLoadsAndServesAsOnRedisServer() async throws {
        let reference = try ConfigFileServer(.redis70, file: Self.stockFile)
        let engine = try ConfigFileServer(.engine, file: Self.stockFile)
        defer { reference.stop(); engine.stop() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        try compareConfig(reference, engine)
        #expect(try ConfigReply.text(engine.target(), ["PING"]) == "+PONG")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ConfigFileTests.debianFile),
                   "Debian's /etc/redis/redis.conf is not installed (apt-get install redis-server)"))
    func debiansRedisConfDaemonizesWritesThePidFileAndServes() async throws {
        // Debian's file says daemonize yes: both starters exit at once and the
        // daemons go on; the pid file (moved to the test's folder) names them.
        let reference = try ConfigFileServer(.redis70, file: Self.debianFile)
        let engine = try ConfigFileServer(.engine, file: Self.debianFile)
        defer { reference.stop(); engine.stop() }
        #expect(reference.starterExitStatus() == 0)
        #expect(engine.starterExitStatus() == 0)
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        try compareConfig(reference, engine)
        let pid = try #require(engine.pidFromFile())
        #expect(kill(pid, 0) == 0)
        #expect(try ConfigReply.map(engine.target(), ["CONFIG", "GET", "daemonize"]) == ["daemonize": "yes"])
        _ = try? engine.target().connection.command(["SHUTDOWN", "NOSAVE"])
        try await waitUntil { !FileManager.default.fileExists(atPath: engine.pidFile) }
        let log = try String(contentsOfFile: engine.logFile, encoding: .utf8)
        #expect(log.contains("Ready to accept connections"))
        #expect(log.contains("Removing the pid file."))
    }

    @Test func configRewriteWritesTheStockFileAsRedisServerDoes() async throws {
        let reference = try ConfigFileServer(.redis70, file: Self.stockFile, copyFile: true)
        let engine = try ConfigFileServer(.engine, file: Self.stockFile, copyFile: true)
        defer { reference.stop(); engine.stop() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        let changes = ["maxmemory", "100mb", "maxmemory-policy", "allkeys-lru", "save", "60 1 10 100", "hz", "20",
                       "notify-keyspace-events", "KEA", "client-output-buffer-limit", "pubsub 64mb 16mb 90",
                       "masterauth", "a \"quoted\" secret", "list-max-ziplist-size", "-3", "shutdown-on-sigterm", "now force",
                       "oom-score-adj-values", "0 100 900", "latency-tracking-info-percentiles", "50 99.99"]
        for server in [reference, engine] {
            #expect(try ConfigReply.text(server.target(), ["CONFIG", "SET"] + changes) == "+OK")
            #expect(try ConfigReply.text(server.target(), ["CONFIG", "REWRITE"]) == "+OK")
        }
        let want = try reference.rewrittenFile(), got = try engine.rewrittenFile()
        // Lines kept in place come in the file's order; appended ones in
        // redis-server's hash-table order, so those compare as a set.
        #expect(got.inPlace == want.inPlace, "\(zip(got.inPlace, want.inPlace).filter { $0 != $1 }.prefix(10))")
        #expect(Set(got.appended) == Set(want.appended.filter { !$0.hasPrefix("user ") }),
                "engine only: \(Set(got.appended).subtracting(want.appended)), redis-server only: \(Set(want.appended).subtracting(got.appended))")
    }

    @Test func alwaysShowLogoPrintsRedisServersBanner() async throws {
        let reference = try ConfigFileServer(.redis70, file: Self.stockFile, extra: ["--always-show-logo", "yes"])
        let engine = try ConfigFileServer(.engine, file: Self.stockFile, extra: ["--always-show-logo", "yes"])
        defer { reference.stop(); engine.stop() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        let want = try reference.banner(), got = try engine.banner()
        #expect(want.count == 17)  // the logo's lines, without the empty one after it
        #expect(got == want)
    }

    @Test func settingsWhoseEffectTheEngineLacksAreWarnedAboutAtStart() async throws {
        let engine = try ConfigFileServer(.engine, file: Self.stockFile, extra: [
            "--io-threads", "4", "--unixsocket", "/tmp/rcluster-test-none.sock", "--notify-keyspace-events", "KEA",
            "--timeout", "30", "--rename-command", "FLUSHALL", "",
        ])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        let warnings = try String(contentsOfFile: engine.logFile, encoding: .utf8).components(separatedBy: "\n")
            .filter { $0.contains(" # WARNING ") }
        for name in ["io-threads is 4", "unixsocket is /tmp/rcluster-test-none.sock",
                     "timeout is 30", "no command renaming"] {
            #expect(warnings.contains { $0.contains(name) }, "no warning with \(name) in \(warnings)")
        }
        #expect(try ConfigReply.map(engine.target(), ["CONFIG", "GET", "io-threads"]) == ["io-threads": "4"])
    }

    @Test func configSetLoglevelChangesWhatIsLogged() async throws {
        let engine = try ConfigFileServer(.engine, file: Self.stockFile, extra: ["--loglevel", "warning"])
        defer { engine.stop() }
        try await engine.waitUntilReady()
        #expect(try ConfigReply.text(engine.target(), ["CONFIG", "SET", "loglevel", "notice"]) == "+OK")
        #expect(try ConfigReply.text(engine.target(), ["SAVE"]) == "+OK")
        let log = try String(contentsOfFile: engine.logFile, encoding: .utf8)
        #expect(!log.contains("Ready to accept connections"))  // a notice, under loglevel warning
        #expect(log.contains("DB saved on disk"))               // a notice, after loglevel notice
    }

    private func compareConfig(_ reference: ConfigFileServer, _ engine: ConfigFileServer) throws {
        let want = try ConfigReply.map(reference.target(), ["CONFIG", "GET", "*"])
        let got = try ConfigReply.map(engine.target(), ["CONFIG", "GET", "*"])
        #expect(Set(got.keys) == Set(want.keys))
        for (name, value) in want where !Self.ownValues.contains(name) {
            #expect(got[name] == value, "\(name): redis-server '\(value)', engine '\(got[name] ?? "-")'")
        }
        #expect(got["dir"] == engine.directory && got["port"] == String(engine.port))
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(25)) }
        #expect(condition())
    }
}
