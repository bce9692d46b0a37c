import ClusterModel
import Foundation

/// Starts and stops the redis-server processes of a local cluster. Until the
/// embedded engine lands these are real redis-server nodes (Debian's 7.0).
public struct LocalNodeLauncher: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case serverMissing
        case portTaken(Int)
        case startFailed(port: Int, status: Int32, log: URL)

        public var description: String {
            switch self {
            case .serverMissing:
                return "redis-server is not installed; run `make local` (it installs it) or apt-get install redis-server"
            case .portTaken(let port):
                return "port \(port) (or its bus port \(port + 10000)) is taken by another program; pick another --base-port"
            case .startFailed(let port, let status, let log):
                return "redis-server on port \(port) exited with status \(status); see \(log.path)"
            }
        }
    }

    public let spec: LocalClusterSpec
    public let serverPath: String?

    public init(spec: LocalClusterSpec, serverPath: String? = nil) {
        self.spec = spec
        self.serverPath = serverPath ?? LocalNodeLauncher.find("redis-server")
    }

    /// Ports whose node is already running (its pid file names a live process).
    public func runningPorts() -> [Int] {
        spec.ports.filter { pid(port: $0).map(LocalNodeLauncher.isAlive) ?? false }
    }

    /// Writes each node's folder and redis.conf, starts the nodes not yet running.
    public func start() throws -> [Int] {
        guard let serverPath else { throw Failure.serverMissing }
        let running = Set(runningPorts())
        var started: [Int] = []
        for port in spec.ports where !running.contains(port) {
            guard PortCheck.isFree(port), PortCheck.isFree(port + 10000) else { throw Failure.portTaken(port) }
            let folder = spec.nodeDirectory(port: port)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let config = folder.appendingPathComponent("redis.conf")
            try spec.configuration(port: port).write(to: config, atomically: true, encoding: .utf8)
            // daemonize yes: the parent exits once the server has detached.
            let status = try Spawn.run(serverPath, [config.path])
            guard status == 0 else {
                throw Failure.startFailed(port: port, status: status, log: folder.appendingPathComponent("redis.log"))
            }
            started.append(port)
        }
        return started
    }

    /// Stops every running node (SIGTERM, as redis-server expects), waits for it to go.
    public func stop() -> [Int] {
        var stopped: [Int] = []
        for port in spec.ports {
            guard let pid = pid(port: port), LocalNodeLauncher.isAlive(pid) else { continue }
            kill(pid, SIGTERM)
            for _ in 0..<100 where LocalNodeLauncher.isAlive(pid) { usleep(50_000) }
            if LocalNodeLauncher.isAlive(pid) { kill(pid, SIGKILL) }
            stopped.append(port)
        }
        return stopped
    }

    private func pid(port: Int) -> pid_t? {
        let file = spec.nodeDirectory(port: port).appendingPathComponent("redis.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
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
