@testable import NodeEngine
import Testing

/// WATCH and stale keys, the cases of Redis 7.0.15's multi.tcl: a key that
/// expires after WATCH fails the EXEC, deleted or not; one already expired
/// when watched does not, whether it is then deleted, flushed or swapped.
@Suite struct WatchTests {
    static let aborted = "+OK\r\n+QUEUED\r\n*-1\r\n"
    static let executed = "+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n"

    private func exec(_ node: EngineHarness) -> String {
        node.run("MULTI") + node.run("PING") + node.run("EXEC")
    }

    @Test func aKeyExpiringAfterWatchFailsExecBeforeItIsDeleted() throws {
        let node = try EngineHarness()
        node.run("SET", "key", "1", "PX", "100")
        node.run("WATCH", "key")
        node.clock.advance(milliseconds: 101)
        #expect(exec(node) == Self.aborted)
    }

    @Test(arguments: ["nothing", "EXISTS", "FLUSHDB", "FLUSHALL"])
    func aKeyStaleWhenWatchedIsNoChange(then action: String) throws {
        let node = try EngineHarness()
        node.run("SET", "x", "foo", "PX", "1")
        node.clock.advance(milliseconds: 2)
        node.run("WATCH", "x")
        if action == "EXISTS" { #expect(node.run("EXISTS", "x") == ":0\r\n") }
        if action.hasPrefix("FLUSH") { node.run(action) }
        #expect(exec(node) == Self.executed)
    }

    @Test func swapdbLeavesStaleWatchedKeysAlone() throws {
        // A stale key replaced by no key.
        var node = try EngineHarness()
        node.run("SELECT", "1")
        node.run("SET", "x", "foo", "PX", "1")
        node.clock.advance(milliseconds: 2)
        node.run("WATCH", "x")
        node.run("SWAPDB", "0", "1")
        #expect(exec(node) == Self.executed)
        // No key replaced by a stale one.
        node = try EngineHarness()
        node.run("SET", "x", "foo", "PX", "1")
        node.clock.advance(milliseconds: 2)
        node.run("SELECT", "1")
        node.run("WATCH", "x")
        node.run("SWAPDB", "0", "1")
        #expect(exec(node) == Self.executed)
        // A stale key replaced by another stale key.
        node = try EngineHarness()
        node.run("SELECT", "1")
        node.run("SET", "x", "foo", "PX", "1")
        node.run("SELECT", "0")
        node.run("SET", "x", "bar", "PX", "1")
        node.clock.advance(milliseconds: 2)
        node.run("SELECT", "1")
        node.run("WATCH", "x")
        node.run("SWAPDB", "0", "1")
        #expect(exec(node) == Self.executed)
    }

    @Test func swapdbReplacingALiveWatchedKeyFailsExec() throws {
        let node = try EngineHarness()
        node.run("SET", "x", "foo")
        node.run("WATCH", "x")
        node.run("SWAPDB", "0", "1")
        #expect(exec(node) == Self.aborted)
    }

    @Test func changesOfLiveWatchedKeysFailExec() throws {
        for change in [["SET", "x", "bar"], ["EXPIRE", "x", "10"], ["DEL", "x"], ["FLUSHDB"]] {
            let node = try EngineHarness()
            node.run("SET", "x", "foo")
            node.run("WATCH", "x")
            node.run(change)
            #expect(exec(node) == Self.aborted, "\(change)")
        }
    }
}

/// MULTI under maxmemory, as multi.tcl checks it: EXEC of a queue holding a
/// write that could grow memory aborts with the OOM reason, a read-only one
/// runs, and nothing more is queued while memory is over the limit.
@Suite struct TransactionMemoryTests {
    @Test func execAbortsOnOutOfMemoryOnlyForQueuesThatWouldGrow() throws {
        let node = try EngineHarness()
        let admin = node.connect()
        node.run("MULTI")
        node.run("SET", "x", "1")
        node.run("GET", "x")
        node.run(on: admin, "CONFIG", "SET", "maxmemory", "1")
        #expect(node.run("EXEC") == "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n")
        node.run(on: admin, "CONFIG", "SET", "maxmemory", "0")
        node.run("MULTI")
        node.run("GET", "x")
        node.run(on: admin, "CONFIG", "SET", "maxmemory", "1")
        #expect(node.run("EXEC") == "*1\r\n$-1\r\n")
        node.run("MULTI")
        #expect(node.run("GET", "x") == "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        #expect(node.run("EXEC") == "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }
}
