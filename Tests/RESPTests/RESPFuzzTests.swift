import ClusterModel
import Foundation
import NIOCore
import RESP
import Testing
import TestSupport

/// Random bytes and mutated valid frames must only ever give a value, "need
/// more data", or a typed error: never a crash, a hang, or unbounded memory.
/// `RESP_FUZZ_SECONDS=60 make fuzz` runs it for a minute; tests run it briefly.
@Suite struct RESPFuzzTests {
    @Test func randomAndMutatedInputNeverCrash() throws {
        let seconds = Double(ProcessInfo.processInfo.environment["RESP_FUZZ_SECONDS"] ?? "") ?? 2
        var random = SplitMix64(seed: 20261125)
        let seeds = try Fixtures.files(in: "resp", withExtension: "resp").map { try Fixtures.bytes($0) }
        let limits = RESPParser.Limits(maxBulkLength: 1 << 20, maxAggregateLength: 1 << 16, maxDepth: 32, maxLineLength: 4096)
        let parser = RESPParser(limits: limits)
        let deadline = Date().addingTimeInterval(seconds)
        var iterations = 0, values = 0, errors = 0
        while Date() < deadline {
            var input = seeds.isEmpty || random.next() % 4 == 0
                ? (0..<Int.random(in: 0...256, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : seeds[Int.random(in: 0..<seeds.count, using: &random)]
            Self.mutate(&input, using: &random)
            var buffer = ByteBuffer(bytes: input)
            do {
                while buffer.readableBytes > 0, try parser.next(from: &buffer) != nil { values += 1 }
            } catch {
                errors += 1
            }
            iterations += 1
        }
        print("RESP fuzz: \(iterations) inputs in \(seconds) s, \(values) values, \(errors) typed errors, no crash")
        #expect(iterations > 100)
        #expect(values > 0 && errors > 0, "the fuzzer should reach both outcomes")
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let interesting: [UInt8] = Array("\r\n*$%:-+_#,(!=~>|0123456789".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch random.next() % 4 {
            case 0: bytes[index] = interesting[Int.random(in: 0..<interesting.count, using: &random)]
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.remove(at: index)
            default: bytes.insert(interesting[Int.random(in: 0..<interesting.count, using: &random)], at: index)
            }
        }
    }
}
