import Foundation
@testable import NodeEngine
import RDB
import Testing

/// Values a client has damaged on purpose: strings whose bytes another type
/// reads (a HyperLogLog above all) changed with SETRANGE, APPEND and SETBIT,
/// and DUMP payloads altered and sealed again with a valid checksum. Every
/// command must answer them, with redis-server's error where the bytes are
/// not valid, and the node must keep serving. A trap here is a remote crash.
@Suite struct CorruptedValueFuzzTests {
    static let corrupted = "-INVALIDOBJ Corrupted HLL object detected\r\n"

    /// The report's case: an HLL with text appended after its opcodes.
    @Test func appendedHyperLogLogIsReportedCorrupted() throws {
        let node = try EngineHarness()
        node.run("PFADD", "hll", "a", "b", "c")
        node.run("APPEND", "hll", "hello")
        #expect(node.run("PFCOUNT", "hll") == Self.corrupted)
        #expect(node.run("PFCOUNT", "hll", "hll") == Self.corrupted)
        #expect(node.run("PFMERGE", "out", "hll") == Self.corrupted)
        #expect(node.run("PING") == "+PONG\r\n")
    }

    /// An XZERO opcode as the value's last byte: redis-server reads the
    /// string's NUL terminator as its second byte.
    @Test func truncatedXZeroReadsAsRedisServerReadsIt() throws {
        let node = try EngineHarness()
        node.run("PFADD", "hll", "a")
        node.run("APPEND", "hll", "\u{40}")
        #expect(node.run("PFCOUNT", "hll") == Self.corrupted)
        #expect(node.run("PFDEBUG", "DECODE", "hll").hasSuffix(" Z:1\r\n"))
        #expect(node.run("PFADD", "hll", "zz").hasPrefix(":") || node.run("PFADD", "hll", "zz") == Self.corrupted)
    }

    @Test func pfdebugAnswersAsRedisServer() throws {
        let node = try EngineHarness()
        #expect(node.run("PFDEBUG", "ENCODING", "nope") == "-ERR The specified key does not exist\r\n")
        node.run("PFADD", "hll", "a", "b")
        #expect(node.run("PFDEBUG", "ENCODING", "hll") == "+sparse\r\n")
        #expect(node.run("PFDEBUG", "ENCODING", "hll", "x") == "-ERR wrong number of arguments for 'pfdebug' command\r\n")
        #expect(node.run("PFDEBUG", "NOPE", "hll") == "-ERR Unknown PFDEBUG subcommand 'NOPE'\r\n")
        #expect(node.run("PFDEBUG", "TODENSE", "hll") == ":1\r\n")
        #expect(node.run("PFDEBUG", "TODENSE", "hll") == ":0\r\n")
        #expect(node.run("PFDEBUG", "DECODE", "hll") == "-ERR HLL encoding is not sparse\r\n")
        #expect(node.run("PFCOUNT", "hll") == ":2\r\n")
        #expect(node.run("PFDEBUG", "GETREG", "hll").hasPrefix("*16384\r\n"))
    }

    /// Random HLLs, sparse and dense, damaged at random places, then every
    /// HLL command on them: each answers, none traps.
    @Test func damagedHyperLogLogsNeverTrap() throws {
        let node = try EngineHarness(["--enable-debug-command", "yes"])
        var random = SplitMix64Generator(seed: 17)
        let rounds = Self.rounds(default: 800)
        for round in 0..<rounds {
            node.run("DEL", "hll", "hll2")
            let elements = round % 7 == 0 ? 3000 : Int.random(in: 1...40, using: &random)
            node.run(["PFADD", "hll"] + (0..<elements).map { "e\($0)-\(round)" })
            node.run("PFADD", "hll2", "x", "y")
            for _ in 0..<Int.random(in: 1...3, using: &random) { Self.damage(node, "hll", &random) }
            for command in [["PFCOUNT", "hll"], ["PFCOUNT", "hll", "hll2"], ["PFADD", "hll", "new\(round)"],
                            ["PFMERGE", "hll2", "hll"], ["PFMERGE", "hll", "hll2"], ["PFDEBUG", "GETREG", "hll"],
                            ["PFDEBUG", "DECODE", "hll"], ["PFDEBUG", "TODENSE", "hll"], ["PFCOUNT", "hll"],
                            ["GETRANGE", "hll", "0", "-1"], ["DUMP", "hll"]] {
                #expect(!node.run(command).isEmpty, "no reply to \(command) in round \(round)")
            }
        }
        #expect(node.run("PING") == "+PONG\r\n")
    }

    /// Values of every type serialized with DUMP, bytes changed, sealed again
    /// with a valid checksum, and restored: RESTORE refuses what it cannot
    /// read, and whatever it accepts every command can read.
    @Test func resealedDumpPayloadsNeverTrap() throws {
        let node = try EngineHarness(["--enable-debug-command", "yes"])
        Self.populate(node)
        var payloads: [[UInt8]] = []
        for key in Self.keys {
            if let payload = EngineHarness.bulk(node.run(bytes: [Array("DUMP".utf8), Array(key.utf8)])) { payloads.append(payload) }
        }
        #expect(payloads.count == Self.keys.count)
        var random = SplitMix64Generator(seed: 99)
        let commands = node.engine.commands.entries.map(\.name).filter { !CommandFuzzTests.skipped.contains($0) && !$0.hasPrefix("config") }
        var accepted = 0
        for round in 0..<Self.rounds(default: 3000) {
            var body = Array(payloads.randomElement(using: &random)!.dropLast(10))
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<body.count, using: &random)
                body[at] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) { body.removeLast(Int.random(in: 0...min(8, body.count - 1), using: &random)) }
            let sealed = DumpPayload.sealed(body)
            let restored = node.run(bytes: [Array("RESTORE".utf8), Array("victim".utf8), [48], sealed])
            guard restored == Array("+OK\r\n".utf8) else { continue }
            accepted += 1
            for _ in 0..<8 {
                let name = commands.randomElement(using: &random)!
                var words = name.split(separator: "|").map(String.init)
                words.append("victim")
                for _ in 0..<Int.random(in: 0...4, using: &random) { words.append(CommandFuzzTests.words.randomElement(using: &random)!) }
                #expect(!node.run(words).isEmpty || node.client.closeAfterReply, "no reply to \(words) in round \(round)")
                node.client.closeAfterReply = false
            }
            node.run("DEL", "victim")
        }
        // Damage inside member bytes leaves a readable value: some must get through, or the commands were never tried.
        #expect(accepted > 100, "only \(accepted) damaged payloads were restored")
        #expect(node.run("PING") == "+PONG\r\n")
    }

    static let keys = ["str", "int", "list", "biglist", "hash", "bighash", "set", "intset", "bigset", "zset", "bigzset", "hll", "densehll", "stream", "bigstream"]

    static func populate(_ node: EngineHarness) {
        node.run("SET", "str", "hello world")
        node.run("SET", "int", "12345")
        node.run("RPUSH", "list", "a", "b", "1", "2", "300000")
        node.run(["RPUSH", "biglist"] + (0..<300).map { "element-\($0)" })
        node.run("HSET", "hash", "f", "v", "n", "5")
        node.run(["HSET", "bighash"] + (0..<300).flatMap { ["field\($0)", "value\($0)"] })
        node.run("SADD", "set", "a", "b", "c")
        node.run("SADD", "intset", "1", "2", "-3", "70000", "5000000000")
        node.run(["SADD", "bigset"] + (0..<600).map { "m\($0)" })
        node.run("ZADD", "zset", "1", "a", "2.5", "b", "-3", "c")
        node.run(["ZADD", "bigzset"] + (0..<200).flatMap { ["\($0)", "member\($0)"] })
        node.run("PFADD", "hll", "a", "b", "c")
        node.run(["PFADD", "densehll"] + (0..<3000).map { "e\($0)" })
        node.run("XADD", "stream", "1-1", "f", "v", "n", "12")
        node.run("XADD", "stream", "2-0", "g", "w")
        node.run("XGROUP", "CREATE", "stream", "grp", "0")
        node.run("XREADGROUP", "GROUP", "grp", "alice", "COUNT", "1", "STREAMS", "stream", ">")
        for id in 1...240 { node.run("XADD", "bigstream", "\(id)-0", "field", "value\(id)", "n", "\(id * 7)") }
        node.run("XDEL", "bigstream", "5-0", "120-0")
        node.run("XGROUP", "CREATE", "bigstream", "grp", "0")
        node.run("XREADGROUP", "GROUP", "grp", "bob", "COUNT", "10", "STREAMS", "bigstream", ">")
        node.run("XGROUP", "CREATECONSUMER", "bigstream", "grp", "carol")
    }

    /// SETRANGE, APPEND or SETBIT at a random place of the value at `key`.
    static func damage(_ node: EngineHarness, _ key: String, _ random: inout SplitMix64Generator) {
        let length = Int(node.run("STRLEN", key).dropFirst().prefix(while: \.isNumber)) ?? 0
        let bytes = (0..<Int.random(in: 1...3, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        func word(_ text: String) -> [UInt8] { Array(text.utf8) }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: node.run(bytes: [word("APPEND"), word(key), bytes])
        case 1: node.run(bytes: [word("SETRANGE"), word(key), word(String(Int.random(in: 0...max(0, length - 1), using: &random))), bytes])
        case 2: node.run(bytes: [word("SETRANGE"), word(key), word(String(Int.random(in: 0...15, using: &random))), bytes])
        default: node.run("SETBIT", key, String(Int.random(in: 0...max(0, length * 8 - 1), using: &random)), Bool.random(using: &random) ? "1" : "0")
        }
    }

    static func rounds(default value: Int) -> Int {
        ProcessInfo.processInfo.environment["ENGINE_FUZZ_ROUNDS"].flatMap { Int($0) } ?? value
    }
}
