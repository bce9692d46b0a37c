@testable import NodeEngine
import Testing

/// INFO commandstats' rejected_calls: a command refused before it ran
/// (arity, OOM, a script's refused redis.call) counts there, not in calls,
/// and shows even when it never ran; EVAL fails when its reply is an error,
/// counted once (the suite's "Consistent eval error reporting"; figures
/// checked against redis-server 7.0.15).
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
        // EVAL failed: it replied the error table pcall gave back. A script that catches it does not fail;
        // one whose redis.call raised it does (the error counted once, where it arose).
        #expect(line(node, "eval")?.hasSuffix("rejected_calls=0,failed_calls=1") == true, "\(line(node, "eval") ?? "")")
        #expect(node.run("EVAL", "local t = redis.pcall('set', 'x', 'y') return t['err'] ~= nil", "0") == ":1\r\n")
        #expect(line(node, "eval")?.hasSuffix("rejected_calls=0,failed_calls=1") == true, "\(line(node, "eval") ?? "")")
        #expect(node.run("EVAL", "return redis.call('set', 'x', 'y')", "0").hasPrefix("-OOM"))
        #expect(line(node, "eval")?.hasSuffix("rejected_calls=0,failed_calls=2") == true, "\(line(node, "eval") ?? "")")
        #expect(node.run("INFO", "stats").contains("total_error_replies:4\r\n"))
        #expect(line(node, "set") == "cmdstat_set:calls=0,usec=0,usec_per_call=0.00,rejected_calls=3,failed_calls=0")
        #expect(node.run("SET", "x", "y").hasPrefix("-OOM"))
        #expect(line(node, "set") == "cmdstat_set:calls=0,usec=0,usec_per_call=0.00,rejected_calls=4,failed_calls=0")
        node.run("CONFIG", "SET", "maxmemory", "0")
        node.run("CONFIG", "RESETSTAT")
        #expect(line(node, "set") == nil)
    }
}
