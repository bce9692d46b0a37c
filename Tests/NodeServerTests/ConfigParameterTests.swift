import Foundation
import Testing
import TestSupport

/// Every configuration parameter of redis-server 7.0.15, compared with the
/// engine: the names CONFIG GET * lists and their defaults, CONFIG SET of
/// what CONFIG GET returned, and the replies to good and bad values.
@Suite struct ConfigParameterTests {
    /// Parameters whose value is the process's own, not the configuration's.
    static let processDependent: [String: String] = [
        "port": "each server listens on a port of its own",
        "dir": "each server works in a temporary directory of its own",
    ]

    @Test func configGetStarNamesTheSameParametersWithTheSameDefaults() async throws {
        try await withBothServers { reference, engine in
            let expected = try ConfigReply.map(reference, ["CONFIG", "GET", "*"])
            let actual = try ConfigReply.map(engine, ["CONFIG", "GET", "*"])
            #expect(expected.count > 190)
            #expect(Set(actual.keys) == Set(expected.keys),
                    "only redis-server: \(Set(expected.keys).subtracting(actual.keys).sorted()), only the engine: \(Set(actual.keys).subtracting(expected.keys).sorted())")
            for (name, value) in expected where Self.processDependent[name] == nil {
                #expect(actual[name] == value, "\(name): redis-server \(value), engine \(actual[name] ?? "-")")
            }
            // Hidden parameters answer only to their exact name.
            for name in ["key-load-delay", "rdb-key-save-delay", "use-exit-on-panic", "watchdog-period",
                         "loading-process-events-interval-bytes"] {
                #expect(try ConfigReply.map(engine, ["CONFIG", "GET", name]) == ConfigReply.map(reference, ["CONFIG", "GET", name]))
                #expect(expected[name] == nil)
            }
        }
    }

    @Test func settingBackEveryValueConfigGetReturnedSucceedsAtOnce() async throws {
        try await withBothServers { reference, engine in
            let before = try ConfigReply.map(reference, ["CONFIG", "GET", "*"])
            // What CONFIG SET cannot change (immutable, protected), as redis-server says.
            var settable: [String] = []
            for (name, value) in before.sorted(by: { $0.key < $1.key }) {
                let reply = try ConfigReply.text(reference, ["CONFIG", "SET", name, value])
                if reply.contains("immutable config") || reply.contains("protected config") {
                    #expect(try ConfigReply.text(engine, ["CONFIG", "SET", name, value]) == reply)
                } else {
                    settable.append(name)
                }
            }
            #expect(settable.count > 150)
            for server in [reference, engine] {
                let values = try ConfigReply.map(server, ["CONFIG", "GET", "*"])
                let words = ["CONFIG", "SET"] + settable.flatMap { [$0, values[$0] ?? ""] }
                #expect(try ConfigReply.text(server, words) == "+OK", "on port \(server.port)")
                #expect(try ConfigReply.map(server, ["CONFIG", "GET", "*"]) == values)
            }
        }
    }

    /// Probe values of every kind (integers, memory, percentages, octal,
    /// enums, flags, strings, templates, lists), set on every parameter of
    /// both servers; each reply and the value after it must be the same.
    static let probes = ["abc", "-1", "0", "1", "yes", "NO", "", "1kb", "10%", "101%", "0777", "0778", "18446744073709551615",
                         "99999999999999999999", "3gb", "-", "1 2", "local", "KEA", "Kgm$xen", "x/y", "50 99", "{title}",
                         "{port} {", "{server-mode}", "1mb", "2147483648", "save nosave", "now force", "relative",
                         "normal 1mb 2mb 3", "replica 0 0 0", "master 1 1 1", "normal 1 2", "1 2 3", "-2001 0 0",
                         "bad-host_name", "3600 1 300", "0 1", "  1", "+1"]
    /// Parameters whose change acts on the process itself (listeners, TLS,
    /// the password of this very connection, file descriptors), not probed.
    static let notProbed: Set<String> = ["port", "bind", "tls-port", "tls-replication", "tls-cluster", "requirepass",
                                         "maxclients", "appendonly", "oom-score-adj", "oom-score-adj-values",
                                         "client-output-buffer-limit", "replicaof", "slaveof"]
    /// TLS settings redis-server only checks by loading the files they name.
    static let tlsProbed: Set<String> = ["tls-auth-clients", "tls-session-cache-size", "tls-session-cache-timeout",
                                         "tls-prefer-server-ciphers", "tls-session-caching"]

    @Test func everyParameterTakesAndRefusesTheValuesRedisServerDoes() async throws {
        try await withBothServers { reference, engine in
            let names = try ConfigReply.map(reference, ["CONFIG", "GET", "*"]).keys.sorted()
            var differences: [String] = []
            for name in names where !Self.notProbed.contains(name) && Self.processDependent[name] == nil {
                if name.hasPrefix("tls-") && !Self.tlsProbed.contains(name) { continue }
                let original = try ConfigReply.map(reference, ["CONFIG", "GET", name])[name] ?? ""
                for value in Self.probes {
                    let want = try ConfigReply.text(reference, ["CONFIG", "SET", name, value])
                    let got = try ConfigReply.text(engine, ["CONFIG", "SET", name, value])
                    let wantValue = try ConfigReply.map(reference, ["CONFIG", "GET", name])[name]
                    let gotValue = try ConfigReply.map(engine, ["CONFIG", "GET", name])[name]
                    if want != got || wantValue != gotValue {
                        differences.append("\(name) '\(value)': redis-server \(want) → '\(wantValue ?? "-")', engine \(got) → '\(gotValue ?? "-")'")
                    }
                }
                _ = try ConfigReply.text(reference, ["CONFIG", "SET", name, original])
                _ = try ConfigReply.text(engine, ["CONFIG", "SET", name, original])
            }
            #expect(differences.isEmpty, "\(differences.count) differences:\n\(differences.prefix(40).joined(separator: "\n"))")
        }
    }

    @Test func configSetErrorsOfEachKindMatchRedisServer() async throws {
        try await DifferentialHarness.compare(["config-set-errors": """
            CONFIG SET maxmemory lots
            CONFIG SET maxmemory-clients 200%
            CONFIG SET maxmemory-clients -5
            CONFIG SET hz abc
            CONFIG SET hz 01
            CONFIG SET maxclients -1
            CONFIG SET list-max-listpack-size 2147483648
            CONFIG SET loglevel loud
            CONFIG SET shutdown-on-sigint "save nosave"
            CONFIG SET shutdown-on-sigint nothing
            CONFIG SET protected-mode maybe
            CONFIG SET notify-keyspace-events Q
            CONFIG SET save "1 2 3"
            CONFIG SET save "0 1"
            CONFIG SET latency-tracking-info-percentiles "50 101"
            CONFIG SET latency-tracking-info-percentiles "50 x"
            CONFIG SET client-output-buffer-limit "master 1 1 1"
            CONFIG SET client-output-buffer-limit "normal 1 1"
            CONFIG SET client-output-buffer-limit "normal x 1 1"
            CONFIG SET oom-score-adj-values "1 2"
            CONFIG SET oom-score-adj-values "0 0 3000"
            CONFIG SET cluster-announce-hostname "a_b"
            CONFIG SET proc-title-template "{nosuch}"
            CONFIG SET proc-title-template "{server-mode}"
            CONFIG SET activedefrag yes
            CONFIG SET daemonize yes
            CONFIG SET replicaof "127.0.0.1 1"
            CONFIG SET SLAVEOF no
            CONFIG SET unixsocketperm 777
            CONFIG SET dir /tmp
            CONFIG SET dbfilename x.rdb
            CONFIG SET nosuch 1
            CONFIG SET hz 10 hz 11
            CONFIG SET replica-priority 1 slave-priority 2
            CONFIG GET replica-priority
            CONFIG SET replica-priority 100
            CONFIG SET hz 10 maxmemory lots nosuch 1
            CONFIG SET hz 10 daemonize yes nosuch 1
            CONFIG SET SLAVE-PRIORITY x
            CONFIG SET hz 1 2
            CONFIG GET MAXMEMORY
            CONFIG GET maxmemory MAXMEMORY
            CONFIG HELP
            CONFIG REWRITE
            CONFIG GET
            CONFIG SET maxmemory
            """])
    }

    @Test func protectedConfigsChangeWhenEnabled() async throws {
        try await DifferentialHarness.compare(["protected": """
            CONFIG SET dbfilename a/b.rdb
            CONFIG SET dbfilename other.rdb
            CONFIG GET dbfilename
            CONFIG SET dbfilename dump.rdb
            CONFIG SET dir /nonexistent-directory
            """], extraArguments: ["--enable-protected-configs", "local"])
    }

    @Test func portAndBindMoveTheListenersAsOnRedisServer() async throws {
        try await withBothServers { reference, engine in
            var replies: [[String]] = []
            // A port the other server listens on, to be refused.
            var busyPort = engine.port
            for server in [reference, engine] {
                let newPort = PortAllocator.allocate()
                var seen = [try ConfigReply.text(server, ["CONFIG", "SET", "port", "\(newPort)"])]
                let moved = try ConfigTarget(port: newPort)
                seen.append(try ConfigReply.text(moved, ["PING"]))
                seen.append(try ConfigReply.text(moved, ["CONFIG", "SET", "port", "\(busyPort)"]))
                busyPort = newPort
                seen.append(try ConfigReply.text(moved, ["CONFIG", "SET", "bind", "10.99.99.99"]))
                seen.append(try ConfigReply.text(moved, ["CONFIG", "SET", "bind", "127.0.0.1 -::1"]))
                seen.append(try ConfigReply.map(moved, ["CONFIG", "GET", "bind"])["bind"] ?? "")
                seen.append(try ConfigReply.text(ConfigTarget(port: newPort), ["PING"]))
                replies.append(seen)
            }
            #expect(replies[0][0] == "+OK" && replies[0][1] == "+PONG")
            #expect(replies[1] == replies[0])
        }
    }

    @Test func passwordsSetByConfigSetAreRedactedInTheSlowLog() async throws {
        try await withBothServers { reference, engine in
            var entries: [[String]] = []
            for server in [reference, engine] {
                _ = try ConfigReply.text(server, ["CONFIG", "SET", "slowlog-log-slower-than", "0"])
                _ = try ConfigReply.text(server, ["CONFIG", "SET", "masterauth", "secret", "hz", "10", "masteruser", "me"])
                _ = try ConfigReply.text(server, ["CONFIG", "SET", "slowlog-log-slower-than", "10000"])
                let log = try ConfigReply.value(server, ["SLOWLOG", "GET", "2"]).elements ?? []
                let arguments = log.first?.elements?[3].elements?.compactMap(\.string) ?? []
                entries.append(arguments)
            }
            #expect(entries[0] == ["CONFIG", "SET", "masterauth", "(redacted)", "hz", "10", "masteruser", "(redacted)"])
            #expect(entries[1] == entries[0])
        }
    }

    /// Starts redis-server 7.0.15 and the engine with the same arguments.
    private func withBothServers(_ body: (ConfigTarget, ConfigTarget) async throws -> Void) async throws {
        let reference = try RedisServerProcess(cluster: false, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, server: .engine)
        defer { reference.kill(); engine.kill() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        try await body(ConfigTarget(port: reference.port), ConfigTarget(port: engine.port))
    }
}
