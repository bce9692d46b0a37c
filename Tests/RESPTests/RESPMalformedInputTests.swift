import NIOCore
import RESP
import Testing

@Suite struct RESPMalformedInputTests {
    static let small = RESPParser.Limits(maxBulkLength: 16, maxAggregateLength: 4, maxDepth: 3, maxLineLength: 32)

    @Test(arguments: [
        ("?hello\r\n", RESPProtocolError.Kind.unknownType(UInt8(ascii: "?"))),
        (":12a\r\n", .invalidInteger("12a")),
        (":\r\n", .invalidInteger("")),
        ("$abc\r\n", .invalidLength("abc")),
        ("$-2\r\n", .invalidLength("-2")),
        ("$+3\r\nabc\r\n", .invalidLength("+3")),
        ("*-5\r\n", .invalidLength("-5")),
        ("$3\r\nabcd\r\n", .missingCRLF),
        ("+OK\rX", .missingCRLF),
        ("#x\r\n", .invalidBoolean("x")),
        (",1.5.2\r\n", .invalidDouble("1.5.2")),
        ("(12x\r\n", .invalidInteger("12x")),
        ("=2\r\nab\r\n", .invalidVerbatimString),
        ("_x\r\n", .invalidLength("x")),
        ("%-1\r\n", .invalidLength("-1")),
        ("$17\r\n", .bulkTooLong(length: 17, limit: 16)),
        ("*5\r\n", .aggregateTooLong(count: 5, limit: 4)),
        ("%3\r\n", .aggregateTooLong(count: 3, limit: 2)),
        ("*1\r\n*1\r\n*1\r\n:1\r\n", .nestingTooDeep(limit: 3)),
        ("+" + String(repeating: "a", count: 40), .lineTooLong(limit: 32)),
        ("$99999999999999999999999\r\n", .invalidLength("99999999999999999999999")),
    ])
    func yieldsItsError(input: String, kind: RESPProtocolError.Kind) {
        var buffer = ByteBuffer(string: input)
        #expect(throws: RESPProtocolError.self) { _ = try RESPParser(limits: Self.small).next(from: &buffer) }
        do {
            var again = ByteBuffer(string: input)
            _ = try RESPParser(limits: Self.small).next(from: &again)
        } catch {
            #expect(error.kind == kind)
        }
    }

    @Test func incompleteInputConsumesNothing() throws {
        for input in ["+OK", "+OK\r", "$5\r\nhel", "*2\r\n:1\r\n", "%1\r\n+a\r\n", "$3\r\nabc\r"] {
            var buffer = ByteBuffer(string: input)
            #expect(try RESPParser().next(from: &buffer) == nil)
            #expect(buffer.readableBytes == input.utf8.count)
        }
    }

    @Test func errorsNameTheOffset() {
        var buffer = ByteBuffer(string: "*2\r\n:1\r\n?x\r\n")
        do {
            _ = try RESPParser().next(from: &buffer)
            Issue.record("accepted a bad type byte")
        } catch {
            #expect(error.offset == 8)
            #expect(error.description.contains("byte 8"))
        }
    }

    @Test func attributesAreSkipped() throws {
        var buffer = ByteBuffer(string: "|1\r\n+ttl\r\n:3600\r\n+OK\r\n")
        #expect(try RESPParser().next(from: &buffer) == .simpleString("OK"))
        #expect(buffer.readableBytes == 0)
    }

    @Test func specialDoublesAndBigNumbers() throws {
        for (input, expected) in [(",inf\r\n", Double.infinity), (",-inf\r\n", -.infinity), (",3\r\n", 3), (",1.5e3\r\n", 1500)] {
            var buffer = ByteBuffer(string: input)
            #expect(try RESPParser().next(from: &buffer) == .double(expected))
        }
        var nan = ByteBuffer(string: ",nan\r\n")
        guard case .double(let value) = try RESPParser().next(from: &nan) else { Issue.record("nan"); return }
        #expect(value.isNaN)
        var big = ByteBuffer(string: "(-3492890328409238509324850943850943825024385\r\n")
        #expect(try RESPParser().next(from: &big) == .bigNumber("-3492890328409238509324850943850943825024385"))
    }
}
