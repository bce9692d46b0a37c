@testable import NodeEngine
import Testing

/// The script cache's key and lookups: EVALSHA finds a script by its SHA in
/// any letter case (eval.c's dictionary compares with strcasecmp) and by
/// nothing else, and the repeated words of redis.call reuse their storage.
@Suite struct ScriptCacheTests {
    static let body = "return redis.call('incr', KEYS[1])"

    @Test func aDigestIsItsBodysSHA1InLowercaseHex() {
        let digest = ScriptDigest(body: Array("hello".utf8))
        #expect(digest.hex == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
    }

    @Test func hexDigitsMatchInEitherCaseAndOtherBytesStayDistinct() {
        func digest(_ text: String) -> ScriptDigest? {
            Array(text.utf8).withUnsafeBytes { ScriptDigest(hex: $0) }
        }
        let lower = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        #expect(digest(lower.uppercased()) == digest(lower))
        #expect(digest(lower)?.hex == lower)
        // '@' and '`', '[' and '{', or a control byte and a digit differ by the case bit without being letters.
        #expect(digest("@" + lower.dropFirst()) != digest("`" + lower.dropFirst()))
        #expect(digest("[" + lower.dropFirst()) != digest("{" + lower.dropFirst()))
        #expect(digest("\u{10}" + lower.dropFirst()) != digest("0" + lower.dropFirst()))
        #expect(digest(String(lower.dropFirst())) == nil)
    }

    @Test func evalshaFindsTheScriptInAnyCaseAndRunsItAgainAndAgain() throws {
        let node = try EngineHarness()
        let loaded = node.run("SCRIPT", "LOAD", Self.body)
        let sha = String(loaded.split(separator: "\r\n")[1])
        #expect(node.run("EVALSHA", sha.uppercased(), "1", "counter") == ":1\r\n")
        for expected in 2...50 { #expect(node.run("EVALSHA", sha, "1", "counter") == ":\(expected)\r\n") }
        #expect(node.run("SCRIPT", "EXISTS", sha.uppercased(), String(sha.dropLast()) + "@") == "*2\r\n:1\r\n:0\r\n")
        #expect(node.run("EVAL", Self.body, "1", "counter") == ":51\r\n")
        #expect(node.run("SCRIPT", "FLUSH") == "+OK\r\n")
        #expect(node.run("EVALSHA", sha, "1", "counter").hasPrefix("-NOSCRIPT"))
    }

    @Test func busyReplyThresholdAndItsAliasReachTheRunningEngine() throws {
        let node = try EngineHarness()
        #expect(node.engine.scripting.busyReplyThreshold == 5000)
        node.run("CONFIG", "SET", "lua-time-limit", "250")
        #expect(node.engine.scripting.busyReplyThreshold == 250)
        node.run("CONFIG", "SET", "min-replicas-to-write", "2")
        #expect(node.engine.minReplicasToWrite == 2)
    }
}
