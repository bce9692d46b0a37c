import Foundation
import Testing
import TestSupport

/// Keyspace notifications as a PSUBSCRIBE client sees them: the same
/// script of commands across every type runs on redis-server 7.0.15 and on
/// the engine, and the subscriber must receive the same messages, byte for
/// byte and in the same order, for each notify-keyspace-events setting.
@Suite(.serialized) struct KeyspaceNotificationDifferentialTests {
    /// Every command family; `SLEEP n` waits n ms (for expiry), `WAITER ...`
    /// runs on a second client and does not wait for its reply.
    static let script = """
        SET s v
        SET s v EX 100
        SETNX s v
        SETNX s2 v
        SETEX s3 100 v
        PSETEX s4 100000 v
        GETSET s w
        GETDEL s2
        GETEX s3 EX 50
        GETEX s3 PERSIST
        GETEX s3 PERSIST
        GETEX s4 PXAT 1
        MSET m1 a m2 b
        MSETNX m1 a m3 c
        MSETNX m4 a m5 b
        APPEND s more
        APPEND new text
        INCR n
        INCRBY n 5
        DECR n
        DECRBY n 2
        INCRBYFLOAT f 1.5
        SETRANGE s 1 X
        SETRANGE s 1 ""
        SETRANGE empty 0 ""
        SETBIT b 7 1
        SETBIT b 7 1
        SETBIT b 100 0
        BITFIELD bf SET u8 0 255
        BITFIELD bf SET u8 0 255
        BITFIELD bf INCRBY u8 0 1 OVERFLOW FAIL INCRBY u8 0 300
        BITOP AND dest b bf
        BITOP AND dest none none2
        PFADD h a b c
        PFADD h a
        PFMERGE h2 h
        LPUSH l a b c
        RPUSH l d
        LPUSHX l e
        RPUSHX nolist e
        LINSERT l BEFORE a z
        LINSERT l BEFORE nothere z
        LSET l 0 y
        LPOP l
        RPOP l 2
        LREM l 1 z
        LREM l 0 nothere
        LTRIM l 0 0
        LMOVE l l2 LEFT RIGHT
        RPOPLPUSH l2 l3
        LMPOP 1 l3 LEFT COUNT 5
        RPUSH l4 a b
        LTRIM l4 5 10
        HSET hs f v g w
        HMSET hs f v2
        HSETNX hs f x
        HSETNX hs h x
        HINCRBY hs n 3
        HINCRBYFLOAT hs fl 0.5
        HDEL hs f nothere
        HDEL hs g h n fl
        SADD st a b c 1
        SADD st a
        SREM st a nothere
        SMOVE st st2 b
        SMOVE st st2 nothere
        SADD st3 c
        SMOVE st st3 c
        SPOP st2
        SPOP st 1
        SADD x1 a b
        SADD x2 b c
        SINTERSTORE xi x1 x2
        SUNIONSTORE xu x1 x2
        SDIFFSTORE xd x1 x2
        SINTERSTORE xi x1 none
        ZADD z 1 a 2 b 3 c
        ZADD z 1 a
        ZADD z XX CH 5 a
        ZADD z INCR 1 a
        ZINCRBY z 1 b
        ZREM z b nothere
        ZADD z 4 d 5 e 6 f 7 g
        ZREMRANGEBYRANK z 0 0
        ZREMRANGEBYSCORE z 5 5
        ZREMRANGEBYLEX z - +
        ZADD z 1 a 2 b
        ZPOPMIN z
        ZPOPMAX z 5
        ZADD za 1 a 2 b
        ZADD zb 2 b 3 c
        ZUNIONSTORE zu 2 za zb
        ZINTERSTORE zi 2 za zb
        ZDIFFSTORE zd 2 za zb
        ZRANGESTORE zr za 0 -1
        ZRANGESTORE zr za 5 6
        ZMPOP 1 zb MAX COUNT 10
        GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km
        GEORADIUS g 15 37 200 km STORE gr
        GEORADIUS g 15 37 1 m STORE gr
        RPUSH tosort 3 1 2
        SORT tosort STORE sorted
        SORT nolist STORE sorted
        SET k1 v
        RENAME k1 k2
        RENAME k2 k2
        SET k3 v
        RENAMENX k2 k3
        RENAMENX k2 k4
        COPY k4 k5
        COPY k4 k5 REPLACE
        MOVE k5 1
        SELECT 1
        DEL k5
        SELECT 0
        EXPIRE k4 100
        PEXPIRE k4 200000 GT
        PERSIST k4
        PERSIST k4
        EXPIREAT k4 1
        SET k6 v
        PEXPIRE k6 1
        SLEEP 20
        GET k6
        SET k7 v
        DUMP-RESTORE k7 k8
        DEL k7 k8 nothere
        UNLINK m1 m2
        MULTI
        SET t1 v
        LPUSH t2 a
        DEL t1
        EXEC
        WAITER BLPOP waited 0
        SLEEP 50
        RPUSH waited a b
        SLEEP 50
        WAITER BZPOPMIN zwaited 0
        SLEEP 50
        ZADD zwaited 1 a
        SLEEP 50
        XADD st 1-0 f v
        XADD st MAXLEN 1 2-0 f v
        XADD st NOMKSTREAM 3-0 f v
        XADD nost NOMKSTREAM 1-0 f v
        XDEL st 2-0 9-0
        XADD st 4-0 f v
        XADD st 5-0 f v
        XTRIM st MAXLEN 1
        XTRIM st MAXLEN 1
        XSETID st 9-0
        XGROUP CREATE st g 0
        XGROUP CREATE st2 g $ MKSTREAM
        XGROUP CREATECONSUMER st g c1
        XREADGROUP GROUP g c2 STREAMS st >
        XCLAIM st g c3 0 5-0
        XGROUP SETID st g 0
        XGROUP DELCONSUMER st g c1
        XGROUP DESTROY st g
        WAITER XREAD BLOCK 0 STREAMS st $
        SLEEP 50
        XADD st 6-0 f v
        SLEEP 50
        GET missing
        EXISTS missing
        FLUSHALL
        """

    @Test(arguments: ["KEA", "Kg", "E$", "El", "Ks", "Eh", "Kz", "Ex", "Kt", "KEAm", "KEn", "AKE"])
    func subscribersSeeTheSameEvents(classes: String) async throws {
        let seen = try await DifferentialHarness.onBoth { try await Self.events(on: $0, classes: classes) }
        #expect(!seen[0].isEmpty, "redis-server published nothing for \(classes)")
        for index in 0..<max(seen[0].count, seen[1].count) {
            let want = index < seen[0].count ? seen[0][index] : "(nothing)"
            let got = index < seen[1].count ? seen[1][index] : "(nothing)"
            if want != got {
                Issue.record("\(classes): message \(index): redis-server \(want), engine \(got)")
                break
            }
        }
        #expect(seen[0].count == seen[1].count, "\(classes): redis-server sent \(seen[0].count) messages, the engine \(seen[1].count)")
    }

    /// The subscriber's messages, as text, while the script runs.
    static func events(on server: RedisServerProcess, classes: String) async throws -> [String] {
        let commands = try RawRESPConnection(port: server.port)
        let waiter = try RawRESPConnection(port: server.port)
        let subscriber = try RawRESPConnection(port: server.port)
        _ = try commands.command(["CONFIG", "SET", "notify-keyspace-events", classes])
        _ = try subscriber.command(["PSUBSCRIBE", "__key*__:*"])
        for step in DifferentialHarness.script(Self.script) {
            let words = step.words
            switch words.first {
            case "SLEEP":
                try await Task.sleep(for: .milliseconds(Int(words[1])!))
            case "WAITER":
                try waiter.sendRaw(Self.encode(Array(words.dropFirst())))
            case "DUMP-RESTORE":
                let payload = try commands.command(["DUMP", words[1]])
                try commands.sendRaw(Self.restoreCommand(key: words[2], dumpReply: payload))
                _ = try commands.readReply()
            default:
                _ = try commands.command(words)
            }
        }
        // A PING through the subscriber marks the end of what was published before it.
        _ = try subscriber.sendRaw(Self.encode(["PING"]))
        var messages: [String] = []
        while true {
            let reply = String(decoding: try subscriber.readReply(), as: UTF8.self)
            if reply.contains("pong") { break }
            messages.append(reply.replacingOccurrences(of: "\r\n", with: " "))
        }
        return messages
    }

    static func encode(_ words: [String]) -> [UInt8] {
        Array((["*\(words.count)"] + words.flatMap { ["$\($0.utf8.count)", $0] }).joined(separator: "\r\n").utf8) + [13, 10]
    }

    /// RESTORE key 0 <payload>, the payload taken from DUMP's bulk reply.
    static func restoreCommand(key: String, dumpReply: [UInt8]) -> [UInt8] {
        let header = dumpReply.firstIndex(of: 10)! + 1
        let payload = Array(dumpReply[header..<(dumpReply.count - 2)])
        return Array("*4\r\n$7\r\nRESTORE\r\n$\(key.utf8.count)\r\n\(key)\r\n$1\r\n0\r\n$\(payload.count)\r\n".utf8) + payload + [13, 10]
    }
}
