import ArgumentParser
import Foundation
import NodeServer

/// `rcluster server`: the embedded node engine, started the way
/// redis-server is (a config file and/or `--directive value` options).
public struct ServerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a Redis 7.0.15-compatible node (the embedded engine), with redis-server's arguments.",
        discussion: """
            rcluster server [/path/to/redis.conf] [--port 7000] [--requirepass secret] ...
            Every directive of redis.conf is given as --name value, as with redis-server.
            """)

    @Argument(parsing: .captureForPassthrough, help: "A config file and/or --directive value options.")
    var arguments: [String] = []

    public init() {}

    public func run() throws {
        throw ExitCode(Self.serve(arguments))
    }

    /// Runs the node until it shuts down; returns the process exit status.
    public static func serve(_ arguments: [String]) -> Int32 {
        if arguments == ["--help"] || arguments == ["-h"] {
            print(helpMessage())
            return 0
        }
        if arguments == ["--version"] || arguments == ["-v"] {
            print("rcluster server v=\(NodeServer.engineVersion) (Redis 7.0.15 compatible)")
            return 0
        }
        do {
            let options = try NodeServer.options(from: arguments)
            if let status = NodeServer.detachIfDaemonizing(options) { return status }
            return try NodeServer(options: options).run()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return 1
        }
    }
}
