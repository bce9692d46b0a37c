@testable import NodeEngine
import Testing

/// INFO commandstats' rejected_calls: a command refused before it ran
/// (arity, OOM, a script's refused redis.call) counts there, not in calls,
/// and shows even when it never ran (the suite's "Consistent eval error reporting").
@Suite struct CommandStatsTests {
    private func line(_ node: EngineHarness, _ name: String) -> String? {
        node.run("INFO", "commandstats").split(separator: "\r\n").map(String.init).first { $0.hasPrefix("cmdstat_\(name):") }
    }

    @Test func refusedCommandsCountAsRejected() throws {
        let node = try EngineHarness()
        #expect(node.run("GET").hasPrefix("-ERR wrong number of arguments"))
        #expect(line(node, "get") == "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0")
        node.run("CONFIG", "SET", "maxmemory", "1")
        #expect(node.run("EVAL", "return redis.pcall('set', 'x', 'y')", "0").hasPrefix("-OOM"))
        #expect(line(node, "set") == "cmdstat_set:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0")
        #expect(node.run("SET", "x", "y").hasPrefix("-OOM"))
        #expect(line(node, "set") == "cmdstat_set:calls=0,usec=0,usec_per_call=0.00,rejected_calls=2,failed_calls=0")
        node.run("CONFIG", "SET", "maxmemory", "0")
        node.run("CONFIG", "RESETSTAT")
        #expect(line(node, "set") == nil)
    }
}
