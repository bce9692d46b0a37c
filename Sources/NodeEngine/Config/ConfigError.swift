/// A directive refused while the node starts: printed exactly as
/// redis-server prints a fatal config error (file line, the line, the reason).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public struct Reason: Error, Sendable, Equatable {
        public let text: String
        public init(_ text: String) { self.text = text }
    }

    /// 1-based line of the combined configuration (file lines, then one per
    /// `--directive` of the command line, as redis-server numbers them); nil
    /// for the checks after the last line (the log file, replicaof in
    /// cluster mode), which redis-server reports without a line.
    public let line: Int?
    public let text: String
    public let reason: String
    /// Where the line came from, for rcluster's own hint.
    public let source: String
    /// A message redis-server logs instead of the fatal config error block
    /// (an included file that cannot be read, module configs without a module).
    public let rawMessage: String?

    public init(line: Int?, text: String, reason: String, source: String) {
        self.line = line
        self.text = text
        self.reason = reason
        self.source = source
        rawMessage = nil
    }

    public init(rawMessage: String) {
        line = nil
        text = ""
        reason = rawMessage
        source = ""
        self.rawMessage = rawMessage
    }

    public var description: String {
        if let rawMessage { return rawMessage }
        let position = line.map { "Reading the configuration file, at line \($0)\n>>> '\(text)'\n" } ?? ""
        return "\n*** FATAL CONFIG FILE ERROR (Redis \(EngineVersion.redisVersion)) ***\n\(position)\(reason)"
    }
}
