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

    /// Raw bytes as a client would send them (inline commands, pipelines, bad input).
    func send(_ inbound: ByteBuffer) -> String {
        var inbound = inbound
        _ = engine.process(client, inbound: &inbound)
        guard let replies = client.takeReplies() else { return "" }
        return String(buffer: replies)
    }
}
