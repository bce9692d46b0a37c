import NIOCore
@testable import NodeEngine
import RESP

/// A node engine with a clock the test moves and one client: commands in,
/// raw reply bytes out, no sockets.
final class EngineHarness {
    let clock = ManualClock()
    let engine: NodeEngine
    let client: ClientSession

    init(_ directives: [String] = []) throws {
        var config = ServerConfig()
        try config.load(fileText: "", commandLine: directives, fileName: "test")
        engine = NodeEngine(config: config, clock: clock, seed: 42)
        client = engine.connect(address: "127.0.0.1:50000", localAddress: "127.0.0.1:6379", isLoopback: true)
    }

    /// The raw reply bytes of one command, as text.
    @discardableResult
    func run(_ words: String...) -> String { run(words) }

    func run(_ words: [String]) -> String {
        var inbound = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &inbound)
        return send(inbound)
    }

    /// Another client of the same node, for commands that involve two
    /// (a blocked pop and the push that serves it, a subscriber).
    func connect() -> ClientSession {
        engine.connect(address: "127.0.0.1:50001", localAddress: "127.0.0.1:6379", isLoopback: true)
    }

    /// A command sent by `other`; its replies, and whatever reached it before, as text.
    @discardableResult
    func run(on other: ClientSession, _ words: String...) -> String {
        var inbound = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(string: $0) }, into: &inbound)
        _ = engine.process(other, inbound: &inbound)
        return replies(of: other)
    }

    /// What has reached `other` since it last looked.
    func replies(of other: ClientSession) -> String {
        other.takeReplies().map { String(buffer: $0) } ?? ""
    }

    /// One command of binary arguments; the reply's raw bytes.
    @discardableResult
    func run(bytes words: [[UInt8]]) -> [UInt8] {
        var inbound = ByteBuffer()
        RESPEncoder.encodeCommand(words.map { ByteBuffer(bytes: $0) }, into: &inbound)
        _ = engine.process(client, inbound: &inbound)
        guard var replies = client.takeReplies() else { return [] }
        return replies.readBytes(length: replies.readableBytes) ?? []
    }

    /// The payload of a bulk string reply.
    static func bulk(_ reply: [UInt8]) -> [UInt8]? {
        guard reply.first == UInt8(ascii: "$"), let end = reply.firstIndex(of: 13),
              let length = Int(String(decoding: reply[1..<end], as: UTF8.self)), length >= 0,
              reply.count == end + 2 + length + 2 else { return nil }
        return Array(reply[(end + 2)..<(end + 2 + length)])
    }

    /// Raw bytes as a client would send them (inline commands, pipelines, bad input).
    func send(_ inbound: ByteBuffer) -> String {
        var inbound = inbound
        _ = engine.process(client, inbound: &inbound)
        guard let replies = client.takeReplies() else { return "" }
        return String(buffer: replies)
    }
}
