/// A directive refused while the node starts: printed exactly as
/// redis-server prints a fatal config error (file line, the line, the reason).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public struct Reason: Error, Sendable, Equatable {
        public let text: String
        init(_ text: String) { self.text = text }
    }

    /// 1-based line of the combined configuration (file lines, then one per
    /// `--directive` of the command line, as redis-server numbers them).
    public let line: Int
    public let text: String
    public let reason: String
    /// Where the line came from, for rcluster's own hint.
    public let source: String

    public var description: String {
        "\n*** FATAL CONFIG FILE ERROR (Redis \(EngineVersion.redisVersion)) ***\nReading the configuration file, at line \(line)\n>>> '\(text)'\n\(reason)"
    }
}
