import NIOCore
@testable import NodeEngine
import Testing

/// Request framing and protocol errors, byte by byte as redis-server frames them.
@Suite struct ProtocolTests {
    @Test func inlineCommandsAndPipelines() throws {
        let node = try EngineHarness()
        #expect(node.send(ByteBuffer(string: "PING\r\nSET a \"x y\"\r\nGET a\n")) == "+PONG\r\n+OK\r\n$3\r\nx y\r\n")
        #expect(node.send(ByteBuffer(string: "\r\n")) == "")
        #expect(node.send(ByteBuffer(string: "ECHO \"\\x41\\n\"\r\n")) == "$2\r\nA\n\r\n")
    }

    @Test func aRequestSplitAnywhereRunsOnceComplete() throws {
        let node = try EngineHarness()
        let bytes = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n".utf8)
        var inbound = ByteBuffer()
        var replies = ""
        for byte in bytes {
            inbound.writeInteger(byte)
            _ = node.engine.process(node.client, inbound: &inbound)
            if let out = node.client.takeReplies() { replies += String(buffer: out) }
        }
        #expect(replies == "+OK\r\n")
    }

    @Test(arguments: [
        ("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n"),
        ("*1\r\n+foo\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"),
        ("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"),
        ("SET a \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"),
    ])
    func protocolErrorsCloseTheConnection(input: String, reply: String) throws {
        let node = try EngineHarness()
        #expect(node.send(ByteBuffer(string: input)) == reply)
        #expect(node.client.closeAfterReply)
    }

    @Test func unauthenticatedClientsGetTighterLimits() throws {
        let node = try EngineHarness(["--requirepass", "pw"])
        #expect(node.run("GET", "a") == "-NOAUTH Authentication required.\r\n")
        #expect(node.send(ByteBuffer(string: "*11\r\n")) == "-ERR Protocol error: unauthenticated multibulk length\r\n")
    }
}
