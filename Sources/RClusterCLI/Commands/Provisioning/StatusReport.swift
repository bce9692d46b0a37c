import ClusterAdmin

/// What `rcluster status` shows: per host its containers and node roles,
/// then the cluster check.
struct StatusReport {
    struct Node {
        var port: Int
        var container: String
        var configCurrent: Bool
        var role: String
    }

    struct Host {
        var name: String
        var address: String
        var reachable: Bool
        var error: String?
        var nodes: [Node]
    }

    var hosts: [Host]
    var check: CheckReport?

    var isHealthy: Bool {
        hosts.allSatisfy { $0.reachable && $0.nodes.allSatisfy { $0.container == "running" && $0.role != "down" } }
            && check?.isHealthy == true
    }

    var lines: [String] {
        var lines: [String] = []
        for host in hosts {
            guard host.reachable else {
                lines.append("\(host.name) (\(host.address)): [ERR] \(host.error ?? "unreachable")")
                continue
            }
            lines.append("\(host.name) (\(host.address)):")
            for node in host.nodes {
                let config = node.configCurrent ? "" : "  [WARNING] redis.conf differs from the inventory (run deploy)"
                lines.append("  redis-\(node.port)  container \(node.container)  \(node.role)\(config)")
            }
        }
        if let check {
            lines += CheckText.lines(check)
        } else {
            lines.append("[ERR] no node answered: the cluster could not be checked")
        }
        return lines
    }

    var json: StatusJSON {
        StatusJSON(
            healthy: isHealthy,
            hosts: hosts.map { host in
                StatusJSON.Host(name: host.name, address: host.address, reachable: host.reachable, error: host.error,
                                nodes: host.nodes.map { StatusJSON.Node(port: $0.port, container: $0.container, configCurrent: $0.configCurrent, role: $0.role) })
            },
            check: check.map(CheckJSON.init))
    }
}

/// `rcluster status --json` (Docs/json-output.md).
struct StatusJSON: Encodable {
    struct Node: Encodable {
        let port: Int
        let container: String
        let configCurrent: Bool
        let role: String
    }

    struct Host: Encodable {
        let name: String
        let address: String
        let reachable: Bool
        let error: String?
        let nodes: [Node]
    }

    let schema = "rcluster.status/1"
    let healthy: Bool
    let hosts: [Host]
    let check: CheckJSON?
}
