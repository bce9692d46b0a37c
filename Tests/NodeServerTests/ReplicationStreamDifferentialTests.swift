import Foundation
import Testing
import TestSupport

/// What a master sends its replicas, command by command, from redis-server
/// 7.0.15 and from the engine given the same requests in lockstep: effects,
/// not requests (relative times made absolute, random picks made explicit,
/// blocking pops in their non-blocking forms), MULTI/EXEC around several
/// effects, SELECT where the DB changes, FLUSH and PUBLISH forced out.
/// Absolute times may differ by the moment each server ran the step.
@Suite struct ReplicationStreamDifferentialTests {
    struct Step {
        let words: [[UInt8]]
        /// Which client sends it: client 1 blocks while client 0 serves it.
        var client = 0
        /// A blocking command that waits: its reply is read after the next step.
        var blocks = false
        /// The members it removes are the server's random picks.
        var randomMembers = false
        /// Milliseconds to wait after the step (a key's TTL runs out).
        var pause = 0
    }

    static func step(_ words: String..., client: Int = 0, blocks: Bool = false, randomMembers: Bool = false, pause: Int = 0) -> Step {
        Step(words: words.map { Array($0.utf8) }, client: client, blocks: blocks, randomMembers: randomMembers, pause: pause)
    }

    static func script(dump: [UInt8]) -> [Step] {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let inAnHour = String(now + 3_600_000), inAnHourSeconds = String(now / 1000 + 3600)
        return [
            // SET and its family: expiry as PXAT, GET dropped, nothing when NX/XX refuse.
            step("SET", "a", "1"),
            step("SET", "a", "2", "EX", "100"),
            step("SET", "a", "3", "PX", "100000", "NX"),
            step("SET", "a", "3", "XX", "GET", "KEEPTTL"),
            step("SET", "b", "v", "EXAT", inAnHourSeconds, "GET"),
            step("SET", "b2", "v", "PXAT", inAnHour),
            step("SETEX", "c", "100", "v"),
            step("PSETEX", "d", "100000", "v"),
            step("SETNX", "d2", "v"),
            step("GETSET", "a", "4"),
            step("GETDEL", "a"),
            step("GETDEL", "missing"),
            // GETEX: PEXPIREAT, PERSIST, or DEL when the time has passed; nothing when it changes nothing.
            step("SET", "e", "v"),
            step("GETEX", "e", "EX", "100"),
            step("GETEX", "e", "PERSIST"),
            step("GETEX", "e", "PERSIST"),
            step("GETEX", "e"),
            step("GETEX", "e", "PXAT", "1"),
            // The EXPIRE family as PEXPIREAT (options kept), DEL in the past.
            step("SET", "f", "v"),
            step("EXPIRE", "f", "100"),
            step("PEXPIRE", "f", "100000", "NX"),
            step("PEXPIRE", "f", "200000", "GT"),
            step("EXPIREAT", "f", inAnHourSeconds),
            step("PEXPIREAT", "f", inAnHour, "XX"),
            step("EXPIRE", "f", "-1"),
            step("EXPIRE", "missing", "10"),
            step("PERSIST", "b"),
            // Floats go out as their results.
            step("SET", "g", "1.5"),
            step("PEXPIRE", "g", "500000"),
            step("INCRBYFLOAT", "g", "2.25"),
            step("INCRBYFLOAT", "g2", "1e3"),
            step("HSET", "h", "f", "1"),
            step("HINCRBYFLOAT", "h", "f", "0.5"),
            step("HINCRBYFLOAT", "h", "new", "3.0e2"),
            // SPOP: SREM of what it took, DEL when it took all.
            step("SADD", "s1", "x"),
            step("SPOP", "s1"),
            step("SADD", "s2", "a", "b", "c"),
            step("SPOP", "s2", "3"),
            step("SADD", "s3", "a", "b", "c", "d"),
            step("SPOP", "s3", "2", randomMembers: true),
            step("SPOP", "s3", "0"),
            step("SPOP", "missing"),
            step("SADD", "s4", "1", "2", "3"),
            step("SPOP", "s4", "1", randomMembers: true),
            // Blocking pops served at once go out as the plain pops.
            step("RPUSH", "l", "a", "b", "c", "d", "e"),
            step("BLPOP", "missing", "l", "0"),
            step("BRPOP", "l", "0"),
            step("LMPOP", "2", "missing", "l", "LEFT", "COUNT", "2"),
            step("BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "5"),
            step("RPUSH", "l2", "a", "b", "c"),
            step("BLMOVE", "l2", "l3", "LEFT", "right", "0"),
            step("BRPOPLPUSH", "l2", "l3", "0"),
            step("LMOVE", "l2", "l3", "left", "LEFT"),
            step("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
            step("BZPOPMIN", "z", "0"),
            step("BZPOPMAX", "missing", "z", "0"),
            step("ZMPOP", "1", "z", "MIN", "COUNT", "10"),
            step("ZADD", "z2", "1", "a", "2", "b"),
            step("BZMPOP", "0", "1", "z2", "MAX"),
            step("ZMPOP", "1", "z2", "MAX"),
            step("ZADD", "z3", "1", "a"),
            step("ZPOPMIN", "z3", "5"),
            // Blocking pops served later, by another client's push: the push, then the pop alone.
            step("BLPOP", "wl", "0", client: 1, blocks: true),
            step("RPUSH", "wl", "x", "y"),
            step("DEL", "wl"),
            step("BLMOVE", "wl", "wl2", "RIGHT", "LEFT", "0", client: 1, blocks: true),
            step("RPUSH", "wl", "z"),
            step("BRPOPLPUSH", "wl3", "wl2", "0", client: 1, blocks: true),
            step("LPUSH", "wl3", "q"),
            step("BLMPOP", "0", "1", "wl4", "LEFT", "COUNT", "3", client: 1, blocks: true),
            step("RPUSH", "wl4", "1", "2"),
            step("BZPOPMIN", "wz", "0", client: 1, blocks: true),
            step("ZADD", "wz", "1", "a", "2", "b"),
            step("BZMPOP", "0", "1", "wz2", "MAX", "COUNT", "9", client: 1, blocks: true),
            step("ZADD", "wz2", "1", "a", "2", "b"),
            // GEOADD as the ZADD it is.
            step("GEOADD", "geo", "13.361389", "38.115556", "Palermo"),
            step("GEOADD", "geo", "NX", "CH", "15.087269", "37.502669", "Catania", "13.361389", "38.115556", "Palermo"),
            step("GEOADD", "geo", "XX", "15.087269", "37.502669", "Nowhere"),
            // RESTORE: relative TTL as ABSTTL, a past one as DEL of the key it replaced.
            Step(words: [Array("RESTORE".utf8), Array("r1".utf8), Array("100000".utf8), dump]),
            Step(words: [Array("RESTORE".utf8), Array("r1".utf8), Array("0".utf8), dump, Array("REPLACE".utf8)]),
            Step(words: [Array("RESTORE".utf8), Array("r1".utf8), Array(inAnHour.utf8), dump, Array("REPLACE".utf8), Array("ABSTTL".utf8)]),
            Step(words: [Array("RESTORE".utf8), Array("r1".utf8), Array("1".utf8), dump, Array("REPLACE".utf8), Array("ABSTTL".utf8)]),
            Step(words: [Array("RESTORE".utf8), Array("r2".utf8), Array("1".utf8), dump, Array("ABSTTL".utf8)]),
            // Several effects of one command, and EXEC's queue, as one MULTI/EXEC.
            step("MULTI"),
            step("SET", "m1", "1", "EX", "100"),
            step("INCRBYFLOAT", "m2", "1.5"),
            step("GET", "m1"),
            step("SPOP", "s2"),
            step("EXEC"),
            step("MULTI"),
            step("GET", "m1"),
            step("EXEC"),
            // A key whose TTL ran out: the DEL of its lazy expiry, then the write, in one MULTI/EXEC.
            step("SET", "lazy", "v", "PX", "1", pause: 20),
            step("SET", "lazy", "v2"),
            step("SET", "lazy2", "v", "PX", "1", pause: 20),
            step("GET", "lazy2"),
            // Scripts go out as their effects: one alone, several in MULTI/EXEC, none for
            // a read-only one or SCRIPT LOAD, the effects' own rewrites inside, SELECT
            // for a script's SELECT, and redis.set_repl's choices.
            step("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "sc1", "v"),
            step("EVAL", "redis.call('set', 'sc2', '1') redis.call('incr', 'sc2') return redis.call('get', 'sc2')", "0"),
            step("EVAL", "return redis.call('get', 'sc2')", "0"),
            step("SCRIPT", "LOAD", "return redis.call('incrbyfloat', 'sc3', '1.5')"),
            step("EVALSHA", "1672839d4498b18721db5d7d65d3abe4f761759a", "0"),
            step("EVAL", "return redis.call('incrbyfloat', 'sc3', '1.5')", "0"),
            step("EVAL", "redis.call('set', 'sc4', 'v', 'EX', '100') redis.call('expire', 'sc4', '200') return 1", "0"),
            step("EVAL", "redis.call('select', '3') redis.call('set', 'in3', 'v') return 1", "0"),
            step("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'sc5', 'hidden') redis.set_repl(redis.REPL_ALL) redis.call('set', 'sc6', 'shown') return 1", "0"),
            step("EVAL", "redis.set_repl(redis.REPL_AOF) redis.call('set', 'sc7', 'aof only') return 1", "0"),
            step("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', 'sc1')", "0"),
            step("EVAL", "return redis.pcall('incr', 'sc1')", "0"),
            step("EVAL", "redis.call('del', 'missing') return 1", "0"),
            // Streams: generated IDs and approximate trims go out exact; XREADGROUP as
            // XCLAIMs (and XGROUP SETID with NOACK), a served blocked XREADGROUP too.
            step("XADD", "st", "1-1", "f", "v"),
            step("XADD", "st", "1-*", "f", "v"),
            step("XADD", "st", "MAXLEN", "~", "1", "2-0", "f", "v"),
            step("XADD", "st", "MAXLEN", "=", "2", "3-0", "f", "v"),
            step("XGROUP", "CREATE", "st", "g", "0"),
            step("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "st", ">"),
            step("XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "st", ">"),
            step("XREADGROUP", "GROUP", "g", "carol", "BLOCK", "0", "STREAMS", "st", ">", client: 1, blocks: true),
            step("XADD", "st", "4-0", "f", "v"),
            step("XCLAIM", "st", "g", "dave", "0", "1-1", "JUSTID"),
            step("XDEL", "st", "1-2"),
            step("XAUTOCLAIM", "st", "g", "erin", "0", "0-0"),
            step("XACK", "st", "g", "4-0"),
            step("XTRIM", "st", "MAXLEN", "~", "0"),
            step("XTRIM", "st", "MINID", "4"),
            step("XSETID", "st", "9-0"),
            step("XGROUP", "DELCONSUMER", "st", "g", "dave"),
            // SELECT where the DB changes; FLUSHDB/FLUSHALL even when empty; PUBLISH.
            step("SELECT", "5"),
            step("FLUSHDB"),
            step("SET", "in5", "v"),
            step("SELECT", "0"),
            step("FLUSHALL"),
            step("FLUSHALL", "ASYNC"),
            step("PUBLISH", "channel", "message"),
            // Commands that go out as they came, and those that change nothing.
            step("MSET", "k1", "v1", "k2", "v2"),
            step("APPEND", "k1", "x"),
            step("INCR", "n"),
            step("DEL", "k1", "missing"),
            step("DEL", "missing"),
            step("LPUSH", "ll", "a"),
            step("LREM", "ll", "0", "nothing"),
            step("SADD", "ss", "a"),
            step("SADD", "ss", "a"),
            step("EXPIRE", "k2", "100", "XX"),
        ]
    }

    @Test func theStreamIsRedisServersCommandForCommand() async throws {
        let arguments = ["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"]
        let reference = try RedisServerProcess(cluster: false, extraArguments: arguments, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, extraArguments: arguments, server: .engine)
        defer { reference.kill(); engine.kill(); reference.removeFiles(); engine.removeFiles() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()

        let setup = try RawRESPConnection(port: reference.port)
        _ = try setup.command(["SET", "source", "hello"])
        let dumpReply = try setup.command(["DUMP", "source"])
        _ = try setup.command(["DEL", "source"])
        let dump = try Self.bulk(dumpReply)

        let servers = [reference, engine]
        var streams: [[[[[UInt8]]]]] = []
        var replicas: [FakeReplica] = []
        var clients: [[RawRESPConnection]] = []
        for server in servers {
            let admin = try RawRESPConnection(port: server.port)
            _ = try admin.command(["DEBUG", "SET-ACTIVE-EXPIRE", "0"])
            replicas.append(try FakeReplica(port: server.port))
            clients.append([try RawRESPConnection(port: server.port), try RawRESPConnection(port: server.port), admin])
            streams.append([])
        }
        let steps = Self.script(dump: dump)
        var blocked: [Int: Int] = [:]  // server -> client with a reply to read
        for (number, step) in steps.enumerated() {
            for server in servers.indices {
                let client = clients[server][step.client]
                try client.sendRaw(Self.encode(step.words))
                if !step.blocks { _ = try client.readReply() }
                if let waiting = blocked[server], !step.blocks {
                    _ = try clients[server][waiting].readReply()
                    blocked[server] = nil
                }
                if step.blocks {
                    // The client must be parked before the push that serves it.
                    #expect(try await Self.eventually { Self.blockedClients(clients[server][2]) == 1 }, "step \(number) did not block")
                    blocked[server] = step.client
                }
                // A marker after each step splits the stream by step.
                _ = try clients[server][2].command(["SET", "__step__", "\(number)"])
            }
            if step.pause > 0 { try await Task.sleep(for: .milliseconds(step.pause)) }
        }
        for server in servers.indices {
            var commands: [[[UInt8]]] = []
            for number in steps.indices {
                commands = []
                while true {
                    guard let command = try replicas[server].nextCommand() else {
                        Issue.record("\(servers[server].server.name): the stream ended before step \(number)'s marker")
                        return
                    }
                    if command.map({ String(decoding: $0, as: UTF8.self) }) == ["SET", "__step__", "\(number)"] { break }
                    if command.count == 1 && String(decoding: command[0], as: UTF8.self).lowercased() == "ping" { continue }  // the cron's, when it falls
                    commands.append(command)
                }
                streams[server].append(commands)
            }
        }
        var differences = 0
        for (number, step) in steps.enumerated() {
            let expected = Self.normalised(streams[0][number], step)
            let actual = Self.normalised(streams[1][number], step)
            if !Self.equal(expected, actual) {
                differences += 1
                Issue.record("""
                    step \(number) \(step.words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")):
                    redis-server sent \(Self.describe(expected))
                    the engine sent   \(Self.describe(actual))
                    """)
            }
        }
        #expect(differences == 0)
    }

    // MARK: - Helpers

    static func encode(_ words: [[UInt8]]) -> [UInt8] {
        var bytes = Array("*\(words.count)\r\n".utf8)
        for word in words { bytes += Array("$\(word.count)\r\n".utf8) + word + [13, 10] }
        return bytes
    }

    static func bulk(_ reply: [UInt8]) throws -> [UInt8] {
        guard reply.first == UInt8(ascii: "$"), let end = reply.firstIndex(of: 10) else { throw TestSupportError("not a bulk reply: \(reply.prefix(20))") }
        return Array(reply[(end + 1)..<(reply.count - 2)])
    }

    static func blockedClients(_ admin: RawRESPConnection) -> Int {
        guard let reply = try? admin.command(["INFO", "clients"]) else { return -1 }
        let text = String(decoding: reply, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("blocked_clients:") }) else { return -1 }
        return Int(line.dropFirst("blocked_clients:".count)) ?? -1
    }

    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// Random members become "*" (redis-server and the engine pick differently).
    static func normalised(_ commands: [[[UInt8]]], _ step: Step) -> [[String]] {
        commands.map { command in
            command.enumerated().map { index, word in
                if step.randomMembers && index == 2 && command.first.map({ String(decoding: $0, as: UTF8.self) }) == "SREM" { return "*" }
                return String(decoding: word, as: UTF8.self)
            }
        }
    }

    /// Word for word, but two Unix times in ms (13 digits) may be 2 s apart.
    static func equal(_ expected: [[String]], _ actual: [[String]]) -> Bool {
        guard expected.count == actual.count else { return false }
        for (left, right) in zip(expected, actual) {
            guard left.count == right.count else { return false }
            for (a, b) in zip(left, right) where a != b {
                guard a.count == 13, b.count == 13, let x = Int64(a), let y = Int64(b), abs(x - y) <= 2000 else { return false }
            }
        }
        return true
    }

    static func describe(_ commands: [[String]]) -> String {
        commands.isEmpty ? "nothing" : commands.map { $0.joined(separator: " ") }.joined(separator: " | ")
    }
}
