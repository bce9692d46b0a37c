@testable import NodeEngine
import Testing

/// CLIENT PAUSE as pause.tcl checks it: the dataset stays as it is (expired
/// keys read as missing, deleted only after the pause), held clients count
/// as blocked, and an EXEC holding a write waits like the write would.
@Suite struct PauseTests {
    private func expiredKeys(_ node: EngineHarness) -> String {
        node.run("INFO", "stats").components(separatedBy: "\r\n").first { $0.hasPrefix("expired_keys:") } ?? "none"
    }

    @Test func expiryWaitsForTheEndOfThePause() throws {
        let node = try EngineHarness()
        node.run("SET", "foo", "bar", "PX", "10")
        node.run("SET", "bar", "foo", "PX", "10")
        node.run("CLIENT", "PAUSE", "50000", "WRITE")
        node.clock.advance(milliseconds: 20)
        node.engine.cron()
        #expect(node.run("GET", "foo") == "$-1\r\n")
        #expect(node.run("EXISTS", "bar") == ":0\r\n")
        #expect(expiredKeys(node) == "expired_keys:0")
        node.run("CLIENT", "UNPAUSE")
        node.run("GET", "foo")
        node.run("GET", "bar")
        #expect(expiredKeys(node) == "expired_keys:2")
    }

    @Test func heldClientsCountAsBlockedAndWriteTransactionsWait() throws {
        let node = try EngineHarness()
        let writer = node.connect()
        node.run(on: writer, "MULTI")
        node.run(on: writer, "SET", "k", "v")
        node.run("CLIENT", "PAUSE", "50000", "WRITE")
        #expect(node.run(on: writer, "EXEC") == "", "an EXEC holding a write waits")
        #expect(node.run("INFO", "clients").contains("blocked_clients:1\r\n"))
        let reader = node.connect()
        node.run(on: reader, "MULTI")
        node.run(on: reader, "GET", "k")
        #expect(node.run(on: reader, "EXEC") == "*1\r\n$-1\r\n", "a read-only EXEC runs")
        node.run("CLIENT", "UNPAUSE")
        #expect(node.replies(of: writer) == "*1\r\n+OK\r\n")
        #expect(node.run("GET", "k") == "$1\r\nv\r\n")
    }
}
