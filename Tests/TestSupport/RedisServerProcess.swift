import ClusterModel
import Foundation
import RedisClient

/// A real server (redis-server 7.0 unless the test names another of the
/// matrix) started for a test, in its own temporary directory.
/// The directory name carries "rcluster-test-" so `make test` can sweep up
/// processes that a crashed test run left behind.
public final class RedisServerProcess: @unchecked Sendable {
    public let port: Int
    public let host: String
    public let directory: URL
    public let extraArguments: [String]
    public let server: TestServer
    private var process: ChildProcess?

    public var address: NodeAddress { NodeAddress(host: host, port: port) }

    public init(host: String = "127.0.0.1", port: Int = PortAllocator.allocate(), cluster: Bool = true,
                nodeTimeoutMilliseconds: Int = 5000, extraArguments: [String] = [], server: TestServer = .redis70) throws {
        self.host = host
        self.server = server
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-\(port)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["--port", "\(port)", "--bind", host, "--dir", directory.path, "--save", "",
                         "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log",
                         "--protected-mode", "no"]
        if host != "127.0.0.1" {
            // 6.2 has no bind-source-addr; announcing the address gives peers the same view.
            arguments += server == .redis62 ? ["--cluster-announce-ip", host] : ["--bind-source-addr", host]
        }
        if cluster {
            arguments += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                          "--cluster-node-timeout", "\(nodeTimeoutMilliseconds)"]
        }
        self.extraArguments = arguments + extraArguments
        try start()
    }

    /// Starts it (again); `adding` arguments after its own, for this start only.
    public func start(adding: [String] = []) throws {
        process = try ChildProcess.spawn(try server.path(), server.leadingArguments + extraArguments + adding).process
    }

    /// Waits until the server answers PING, even with NOAUTH (it may need a moment to bind).
    public func waitUntilReady() async throws {
        for _ in 0..<200 {
            if let connection = try? await RedisConnection.connect(to: address) {
                defer { Task { await connection.close() } }
                if (try? await connection.pipeline([["PING"]])) != nil { return }
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestSupportError("redis-server on \(address) did not answer PING within 5 s; see \(directory.path)/redis.log")
    }

    /// SIGKILL: the node vanishes as if its host died.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGSTOP: the node keeps its sockets but answers nothing, like a hung host.
    public func pause() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGSTOP)
    }

    public func resume() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGCONT)
    }

    public func stop() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    public var isRunning: Bool { process?.isRunning ?? false }
    public var processIdentifier: Int32? { process?.processIdentifier }
    /// Waits for the process to end on its own; its exit status.
    public func waitForExit() -> Int32? { process?.waitUntilExit() }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        kill()
        removeFiles()
    }
}
