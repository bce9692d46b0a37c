import Foundation

/// The redis.conf of one node: rcluster's fixed part (port, bind, cluster
/// mode, data in /data, passwords) and then the inventory's directives.
/// Safer than the seed: protected mode stays on and the node binds to its
/// host's address (plus loopback for an operator on the host), not everywhere.
public enum RedisConfRenderer {
    public static func render(host: InventoryHost, port: Int, bindAddress: String, password: String?, inventoryName: String) -> String {
        var lines = [
            "# Written by rcluster deploy from \(inventoryName) (host \(host.name)); changes here are overwritten.",
            "port \(port)",
            "bind \(bindAddress)\(bindAddress == "127.0.0.1" ? "" : " 127.0.0.1")",
            "protected-mode yes",
            "daemonize no",
            "dir /data",
            "pidfile /data/redis.pid",
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
        ]
        if let password {
            lines += ["requirepass \(quoted(password))", "masterauth \(quoted(password))"]
        }
        lines += host.config.map { "\($0.name) \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
