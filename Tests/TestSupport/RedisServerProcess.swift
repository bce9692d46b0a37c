import ClusterModel
import Foundation
import RedisClient
import RESP

/// A real server (redis-server 7.0 unless the test names another of the
/// matrix) started for a test, in its own temporary directory.
/// The directory name carries "rcluster-test-" so `make test` can sweep up
/// processes that a crashed test run left behind.
public final class RedisServerProcess: @unchecked Sendable {
    /// Moves only when the allocated port was taken by someone else before
    /// the server bound it (see waitUntilReady).
    public private(set) var port: Int
    private let portWasChosen: Bool
    public let host: String
    public let directory: URL
    public private(set) var extraArguments: [String]
    public let server: TestServer
    private var process: ChildProcess?

    public var address: NodeAddress { NodeAddress(host: host, port: port) }

    public init(host: String = "127.0.0.1", port: Int? = nil, cluster: Bool = true,
                nodeTimeoutMilliseconds: Int = 5000, extraArguments: [String] = [], server: TestServer = .redis70) throws {
        self.host = host
        self.server = server
        portWasChosen = port != nil
        let port = port ?? PortAllocator.allocate()
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

    /// Waits until the server answers PING, even with NOAUTH (it may need a
    /// moment to bind). The answer must come from this process: a port that
    /// another process took between allocation and bind would otherwise hand
    /// the test someone else's server, which vanishes when its test ends.
    /// Such a start is retried on a fresh port, unless the test chose the port.
    public func waitUntilReady() async throws {
        for _ in 0..<3 {
            let outcome = await firstAnswer()
            switch outcome {
            case .ours: return
            case .exited where !portWasChosen, .foreign where !portWasChosen:
                kill()
                let taken = port
                PortAllocator.skipAhead()
                port = PortAllocator.allocate()
                extraArguments[extraArguments.firstIndex(of: "--port")! + 1] = "\(port)"
                FileHandle.standardError.write(Data("RedisServerProcess: port \(taken) was not ours (\(outcome)); starting again on \(port)\n".utf8))
                try start()
            default:
                throw TestSupportError("\(server.name) on \(address): \(outcome); see \(directory.path)/redis.log")
            }
        }
        throw TestSupportError("\(server.name) could not get a port of its own; see \(directory.path)/redis.log")
    }

    private enum StartOutcome: CustomStringConvertible {
        case ours, exited, foreign, silent
        var description: String {
            switch self {
            case .ours: "answered"
            case .exited: "the process exited before it answered"
            case .foreign: "another process answers on its port"
            case .silent: "no answer to PING within 5 s"
            }
        }
    }

    private func firstAnswer() async -> StartOutcome {
        for _ in 0..<200 {
            if !isRunning { return .exited }
            if let connection = try? await RedisConnection.connect(to: address) {
                defer { Task { await connection.close() } }
                if let replies = try? await connection.pipeline([["PING"], ["INFO", "server"]]) {
                    return isOurs(replies[1]) ? .ours : .foreign
                }
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return .silent
    }

    /// INFO's process_id is this child's (NOAUTH and the like cannot tell: taken as ours).
    private func isOurs(_ reply: Result<RESPValue, RedisServerError>) -> Bool {
        guard case .success(let value) = reply, let text = value.string,
              let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("process_id:") }) else { return true }
        return Int32(line.dropFirst("process_id:".count)) == processIdentifier
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

    /// Whether it runs, and the end of its log: what a failed test records
    /// to tell a server that died from a client that went wrong.
    public func diagnosis(lines: Int = 15) -> String {
        let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? "(no log)"
        let tail = log.split(separator: "\n").suffix(lines).joined(separator: "\n")
        return "\(server.name) on \(address) \(isRunning ? "is running" : "has exited"); the end of its log:\n\(tail)"
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        kill()
        removeFiles()
    }
}
