import ClusterModel
import Foundation

/// Starts and stops the processes of a local cluster: `rcluster server`
/// (this binary's embedded engine) by default, or redis-server.
public struct LocalNodeLauncher: Sendable {
    /// What runs each node.
    public enum Server: Sendable, Hashable {
        /// `rcluster server`: the path of the rcluster binary.
        case engine(String)
        /// redis-server; nil when it is not installed.
        case redisServer(String?)

        public var name: String {
            switch self {
            case .engine: "rcluster server"
            case .redisServer: "redis-server"
            }
        }

        /// The running rcluster binary, as the engine of its own nodes.
        public static var thisBinary: Server {
            .engine(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        }

        public static var installedRedisServer: Server { .redisServer(LocalNodeLauncher.find("redis-server")) }
    }

    public enum Failure: Error, CustomStringConvertible {
        case serverMissing
        case portTaken(Int, stopped: [Int])
        case startFailed(server: String, port: Int, status: Int32, log: URL, stopped: [Int])
        case cannotStart(server: String, port: Int, reason: String, stopped: [Int])

        public var description: String {
            switch self {
            case .serverMissing:
                return "redis-server is not installed; run `rcluster local up` without --engine redis-server (the nodes are then this binary's own), or apt-get install redis-server"
            case .portTaken(let port, let stopped):
                return "port \(port) (or its bus port \(port + 10000)) is taken by another program; pick another --base-port" + Self.rollback(stopped)
            case .startFailed(let server, let port, let status, let log, let stopped):
                return "\(server) on port \(port) exited with status \(status); see \(log.path)" + Self.rollback(stopped)
            case .cannotStart(let server, let port, let reason, let stopped):
                return "\(server) on port \(port) could not be started: \(reason)" + Self.rollback(stopped)
            }
        }

        private static func rollback(_ stopped: [Int]) -> String {
            stopped.isEmpty ? " (no node was started)"
                : " (the \(stopped.count) node(s) this run had started, ports \(stopped.map(String.init).joined(separator: ", ")), were stopped again: nothing is left running)"
        }
    }

    public let spec: LocalClusterSpec
    public let server: Server

    public init(spec: LocalClusterSpec, server: Server = .thisBinary) {
        self.spec = spec
        self.server = server
    }

    /// Ports whose node is already running (its pid file names a live process).
    public func runningPorts() -> [Int] {
        spec.ports.filter { runningPID(port: $0) != nil }
    }

    /// A pid file whose process is gone, or is now another program: what a
    /// reboot or a SIGKILL leaves behind.
    public struct StalePIDFile: Sendable, Hashable {
        public let port: Int
        public let pid: pid_t
        public let reusedByAnotherProgram: Bool
    }

    /// Removes the pid files of nodes that are not running, so that nothing
    /// (least of all `local down` or `local kill`) takes their pid for the node.
    public func removeStalePIDFiles() -> [StalePIDFile] {
        spec.ports.compactMap { port in
            guard let pid = pid(port: port), runningPID(port: port) == nil else { return nil }
            try? FileManager.default.removeItem(at: pidFile(port: port))
            return StalePIDFile(port: port, pid: pid, reusedByAnotherProgram: LocalNodeLauncher.isAlive(pid))
        }
    }

    /// Writes each node's folder and redis.conf, starts the nodes not yet
    /// running. All or nothing: when one cannot start, the nodes this call
    /// started are stopped again before the error is thrown.
    public func start() throws -> [Int] { try start(ports: spec.ports) }

    /// start() for some of the nodes (a `local start` of one node that is gone).
    public func start(ports: [Int]) throws -> [Int] {
        let (path, leading): (String, [String])
        switch server {
        case .engine(let binary): (path, leading) = (binary, ["server"])
        case .redisServer(let found?): (path, leading) = (found, [])
        case .redisServer(nil): throw Failure.serverMissing
        }
        let running = Set(runningPorts())
        let wanted = ports.filter { !running.contains($0) }
        // Every port is checked before any node starts.
        if let taken = wanted.first(where: { !PortCheck.isFree($0) || !PortCheck.isFree($0 + 10000) }) {
            throw Failure.portTaken(taken, stopped: [])
        }
        var started: [Int] = []
        for port in wanted {
            let folder = spec.nodeDirectory(port: port)
            let status: Int32
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let config = folder.appendingPathComponent("redis.conf")
                try PrivateFile.write(spec.configuration(port: port), to: config)
                // daemonize yes: the parent exits once the server has detached.
                status = try Spawn.run(path, leading + [config.path])
            } catch {
                throw rollBack(started, then: Failure.cannotStart(server: server.name, port: port, reason: "\(error)", stopped: started))
            }
            guard status == 0 else {
                throw rollBack(started, then: Failure.startFailed(server: server.name, port: port, status: status,
                                                                  log: folder.appendingPathComponent("redis.log"), stopped: started))
            }
            started.append(port)
        }
        return started
    }

    private func rollBack(_ started: [Int], then failure: Failure) -> Failure {
        _ = stop(ports: started)
        return failure
    }

    /// Stops every running node (SIGTERM, as redis-server expects), waits for it to go.
    public func stop() -> [Int] { stop(ports: spec.ports) }

    /// The node's process while it runs (stopped with SIGSTOP counts as running).
    public func runningPID(port: Int) -> pid_t? {
        pid(port: port).flatMap { LocalNodeLauncher.isAlive($0) && isNode(port: port, pid: $0) ? $0 : nil }
    }

    /// After a reboot a pid file's number may belong to any program: the
    /// process is the node only if its command line names the node's
    /// redis.conf (rcluster server) or its address (redis-server's title,
    /// "redis-server 127.0.0.1:7000 [cluster]").
    private func isNode(port: Int, pid: pid_t) -> Bool {
        guard let data = FileHandle(forReadingAtPath: "/proc/\(pid)/cmdline")?.readDataToEndOfFile() else { return true }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let config = spec.nodeDirectory(port: port).appendingPathComponent("redis.conf").path
        return words.contains(config) || words.contains { $0.split(separator: " ").contains { $0.hasSuffix(":\(port)") } }
    }

    public func stop(ports: [Int]) -> [Int] {
        var stopped: [Int] = []
        for port in ports {
            guard let pid = runningPID(port: port) else { continue }
            kill(pid, SIGTERM)
            for _ in 0..<100 where LocalNodeLauncher.isAlive(pid) { usleep(50_000) }
            if LocalNodeLauncher.isAlive(pid) { kill(pid, SIGKILL) }
            stopped.append(port)
        }
        return stopped
    }

    private func pidFile(port: Int) -> URL { spec.nodeDirectory(port: port).appendingPathComponent("redis.pid") }

    private func pid(port: Int) -> pid_t? {
        guard let text = try? String(contentsOf: pidFile(port: port), encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A zombie still answers kill(pid, 0); where pid 1 does not reap (some
    /// containers) a stopped daemon stays one, so /proc's state decides.
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // /proc files report size 0, so read them as a stream.
        guard let data = FileHandle(forReadingAtPath: "/proc/\(pid)/stat")?.readDataToEndOfFile(),
              let stat = String(data: data, encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first != "Z"
    }

    static func find(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A file only its owner may read, as redis.conf must be once it holds the
/// password: created 0600, so it is never readable by others, even briefly.
enum PrivateFile {
    struct WriteFailed: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    static func write(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteFailed(path: url.path, code: errno) }
        defer { close(fd) }
        // A file an older version wrote 0644 is narrowed too.
        guard fchmod(fd, 0o600) == 0 else { throw WriteFailed(path: url.path, code: errno) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw WriteFailed(path: url.path, code: errno) }
            written += count
        }
    }
}

/// Can a server listen on this loopback port? Shared with the test harness.
public enum PortCheck {
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // As redis-server does: a port with only TIME_WAIT leftovers is free to it.
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
