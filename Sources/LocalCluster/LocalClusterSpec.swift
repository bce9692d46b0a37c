import ClusterModel
import Foundation

/// A cluster of nodes on this machine, one folder per node under `directory`.
/// Ports stay below 22768 by default so bus ports (+10000) stay out of the
/// kernel's ephemeral range, where outgoing connections would take them.
public struct LocalClusterSpec: Sendable, Hashable {
    public var directory: URL
    public var nodeCount: Int
    public var replicas: Int
    public var basePort: Int
    public var nodeTimeoutMilliseconds: Int
    public var password: String?

    public init(directory: URL, nodeCount: Int = 6, replicas: Int = 1, basePort: Int = 7000,
                nodeTimeoutMilliseconds: Int = 2000, password: String? = nil) {
        self.directory = directory
        self.nodeCount = nodeCount
        self.replicas = replicas
        self.basePort = basePort
        self.nodeTimeoutMilliseconds = nodeTimeoutMilliseconds
        self.password = password
    }

    public var ports: [Int] { (0..<nodeCount).map { basePort + $0 } }

    /// Ports of node folders an earlier `local up` left in `directory`, ascending.
    public static func existingPorts(in directory: URL) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).compactMap(Int.init).sorted()
    }
    /// The password the cluster in `directory` runs with: the requirepass of
    /// its nodes' redis.conf, which is where it is kept (mode 0600).
    public static func storedPassword(in directory: URL) -> String? {
        for port in existingPorts(in: directory) {
            let config = directory.appendingPathComponent("\(port)/redis.conf")
            guard let text = try? String(contentsOf: config, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("requirepass ") {
                return String(line.dropFirst("requirepass ".count))
            }
            return nil
        }
        return nil
    }

    /// A password for a new cluster: 128 random bits, in hex.
    public static func generatePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    public var addresses: [NodeAddress] { ports.map { NodeAddress(host: "127.0.0.1", port: $0) } }

    public func nodeDirectory(port: Int) -> URL { directory.appendingPathComponent("\(port)") }

    /// redis.conf for one node: cluster mode, AOF on (as Redis's create-cluster
    /// script does), daemonized with a pid file so `local down` finds it.
    public func configuration(port: Int) -> String {
        let folder = nodeDirectory(port: port).path
        var lines = [
            "port \(port)",
            "bind 127.0.0.1 -::1",
            "dir \(folder)",
            "daemonize yes",
            "pidfile \(folder)/redis.pid",
            "logfile \(folder)/redis.log",
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            "cluster-node-timeout \(nodeTimeoutMilliseconds)",
            "appendonly yes",
            // A new replica syncs at once: nobody else will attach in the next seconds.
            "repl-diskless-sync-delay 0",
            // `local partition` and `local slow` go through DEBUG FAULT, from this machine only.
            "enable-debug-command local",
        ]
        if let password {
            lines += ["requirepass \(password)", "masterauth \(password)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
