import Foundation
import Testing
import TestSupport

/// Runs the same command scripts against a real redis-server 7.0.15 and
/// `rcluster server`, over RESP2 and RESP3, and compares every reply byte
/// for byte (or as a multiset where redis-server's order is a hash table's).
struct DifferentialHarness {
    enum Comparison {
        case exact
        /// The same elements in any order (KEYS, SMEMBERS of a hash table, ...).
        case unordered
        /// Only the reply type and, for errors, the text.
        case shape
    }

    struct Step {
        let words: [String]
        let comparison: Comparison

        init(_ words: [String], _ comparison: Comparison = .exact) {
            self.words = words
            self.comparison = comparison
        }
    }

    /// Steps from lines: words split on spaces, "quoted strings" kept whole
    /// (with \n, \r, \t, \\ and \" escapes inside),
    /// a leading `~` compares unordered, a leading `?` compares the shape.
    static func script(_ text: String) -> [Step] {
        text.split(separator: "\n").compactMap { raw in
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            var comparison = Comparison.exact
            if line.hasPrefix("~ ") { comparison = .unordered; line.removeFirst(2) }
            if line.hasPrefix("? ") { comparison = .shape; line.removeFirst(2) }
            return Step(words(line), comparison)
        }
    }

    private static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        var escaped = false
        for character in line {
            if escaped {
                // Inside quotes: \n \r \t \\ \" (other backslashes stay as typed).
                switch character {
                case "n": current.append("\n")
                case "r": current.append("\r")
                case "t": current.append("\t")
                case "\\", "\"": current.append(character)
                default: current.append("\\"); current.append(character)
                }
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                started = true
            } else if character == " " && !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if started { words.append(current) }
        return words
    }

    /// A fresh redis-server 7.0.15 and a fresh engine node, and what `body`
    /// makes of each: the reference's first.
    static func onBoth<T>(extraArguments: [String] = [], _ body: (RedisServerProcess) async throws -> T) async throws -> [T] {
        let reference = try RedisServerProcess(cluster: false, extraArguments: extraArguments, server: .redis70)
        let engine = try RedisServerProcess(cluster: false, extraArguments: extraArguments, server: .engine)
        defer { reference.kill(); engine.kill(); reference.removeFiles(); engine.removeFiles() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        return [try await body(reference), try await body(engine)]
    }

    /// Both servers, fresh and empty, then each script in RESP2 and in RESP3;
    /// every step whose replies differ is an expectation failure.
    static func compare(_ scripts: [String: String], extraArguments: [String] = [], cluster: Bool = false) async throws {
        for difference in try await differences(scripts, extraArguments: extraArguments, cluster: cluster) {
            Issue.record(Comment(rawValue: difference))
        }
    }

    /// The steps whose replies differ, described. In cluster mode each
    /// node's own ID and ports read as placeholders of the same length in
    /// its replies, and `$MYID` in a step is the node's ID.
    static func differences(_ scripts: [String: String], extraArguments: [String] = [], cluster: Bool = false,
                            settle: Duration = .zero) async throws -> [String] {
        var found: [String] = []
        let arguments = ["--enable-debug-command", "yes"] + extraArguments
        let reference = try RedisServerProcess(cluster: cluster, extraArguments: arguments, server: .redis70)
        let engine = try RedisServerProcess(cluster: cluster, extraArguments: arguments, server: .engine)
        defer { reference.kill(); engine.kill(); reference.removeFiles(); engine.removeFiles() }
        try await reference.waitUntilReady()
        try await engine.waitUntilReady()
        try await Task.sleep(for: settle)
        var identities: [Int: (id: String, port: Int)] = [:]
        if cluster {
            for node in [reference, engine] {
                let reply = String(decoding: try RawRESPConnection(port: node.port).command(["CLUSTER", "MYID"]), as: UTF8.self)
                identities[node.port] = (String(reply.split(separator: "\r\n").last ?? ""), node.port)
            }
        }
        func normalized(_ reply: [UInt8], _ node: RedisServerProcess) -> [UInt8] {
            guard let identity = identities[node.port] else { return reply }
            return Array(String(decoding: reply, as: UTF8.self)
                .replacingOccurrences(of: identity.id, with: String(repeating: "x", count: 40))
                .replacingOccurrences(of: "\(identity.port)@\(identity.port + 10000)", with: "PPPPP@BBBBB")
                .replacingOccurrences(of: ":\(identity.port)\r\n", with: ":PPPPP\r\n").utf8)
        }
        func words(_ step: Step, _ node: RedisServerProcess) -> [String] {
            guard let identity = identities[node.port] else { return step.words }
            return step.words.map { $0 == "$MYID" ? identity.id : $0 }
        }
        for protocolVersion in [2, 3] {
            for (name, text) in scripts.sorted(by: { $0.key < $1.key }) {
                let expected = try RawRESPConnection(port: reference.port)
                let actual = try RawRESPConnection(port: engine.port)
                for connection in [expected, actual] {
                    _ = try connection.command(["FLUSHALL"])
                    if protocolVersion == 3 { _ = try connection.command(["HELLO", "3"]) }
                }
                for step in script(text) {
                    let want = normalized(try expected.command(words(step, reference)), reference)
                    let got = normalized(try actual.command(words(step, engine)), engine)
                    let same: Bool
                    switch step.comparison {
                    case .exact: same = want == got
                    case .unordered: same = Self.lines(want) == Self.lines(got)
                    case .shape: same = want.first == got.first && (want.first != UInt8(ascii: "-") || want == got)
                    }
                    if !same {
                        found.append("\(name), RESP\(protocolVersion): \(step.words.joined(separator: " "))\n  redis-server: \(Self.show(want))\n  engine:       \(Self.show(got))")
                    }
                }
            }
        }
        return found
    }

    private static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").sorted()
    }

    private static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\\r\\n")
    }
}
