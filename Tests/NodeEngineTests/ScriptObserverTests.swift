@testable import NodeEngine
import Testing

/// What MONITOR shows of scripts, as replicationFeedMonitors does: EVAL or
/// FCALL first (they are skip_monitor; their handlers feed it), then the
/// commands they ran, from the Lua client ("[0 lua]").
@Suite struct ScriptObserverTests {
    @Test(arguments: [["EVAL", "return redis.call('set', 'foo', 'bar')", "0"], ["FCALL", "setter", "0"]])
    func monitorsSeeTheScriptThenItsCommands(command: [String]) throws {
        let node = try EngineHarness()
        node.run("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('setter', function() return redis.call('set', 'foo', 'bar') end)")
        let monitor = node.connect()
        #expect(node.run(on: monitor, "MONITOR") == "+OK\r\n")
        #expect(node.run(command) == "+OK\r\n")
        let lines = node.replies(of: monitor).split(separator: "\r\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasSuffix("[0 127.0.0.1:50000] \"\(command[0].lowercased() == "eval" ? "EVAL" : "FCALL")\" \"\(command[1])\" \"0\"") == true, "\(lines)")
        #expect(lines.last?.hasSuffix("[0 lua] \"set\" \"foo\" \"bar\"") == true, "\(lines)")
    }
}
