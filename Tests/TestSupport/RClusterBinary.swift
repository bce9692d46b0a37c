import Foundation

/// Runs the built `rcluster` executable, as a user would. `swift test` builds
/// it beside the test bundle; RCLUSTER_BIN overrides the path.
public enum RClusterBinary {
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["RCLUSTER_BIN"] { return override }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return testBundle.appendingPathComponent("rcluster").path
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           stdin: String? = nil) async throws -> ProcessResult {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("no rcluster binary at \(path); run `swift build` first or set RCLUSTER_BIN")
        }
        return try await ProcessRunner.run(path, arguments, environment: environment, stdin: stdin)
    }

    /// The reference tool, `redis-cli --cluster SUBCOMMAND ...`, without colours.
    public static func reference(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessResult {
        try await ProcessRunner.run("redis-cli", ["--cluster"] + arguments, environment: environment)
    }
}

extension RClusterBinary {
    /// Starts rcluster without waiting, for tests that interrupt it.
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess.spawn(path, arguments, environment: environment).process
    }
}
