import Foundation

extension InventoryDocument {
    /// Merges defaults into each host, resolves paths and checks the
    /// inventory as a whole. Nil when anything is wrong (issues say what).
    func resolve(_ diagnostics: Diagnostics) -> Inventory? {
        let wholeFile = YAMLValue(node: .scalar(.init("")), file: path, path: "")
        let directory = (path as NSString).deletingLastPathComponent
        let baseName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var resolved: [InventoryHost] = []
        var names: [String: YAMLValue] = [:]
        var addresses: [String: YAMLValue] = [:]
        for (index, draft) in hosts.enumerated() {
            let source = draft.source
            guard let name = draft.name ?? draft.address else {
                diagnostics.add(source.issue("host \(index + 1) has no name and no address", fix: "add address: IP (and name: NAME)"))
                continue
            }
            guard let address = draft.address else {
                diagnostics.add(source.issue("host '\(name)' has no address", fix: "add address: IP or DNS name of the server"))
                continue
            }
            if draft.name != nil, let other = names[name] {
                diagnostics.add(source.issue("host name '\(name)' is used twice (also line \(other.line))", fix: "give each host its own name"))
            }
            if let other = addresses[address] {
                diagnostics.add(source.issue("address \(address) is listed twice (also line \(other.line))", fix: "list each server once, with all its ports"))
            }
            names[name] = source
            addresses[address] = source
            guard let ports = Self.ports(of: draft, name: name, diagnostics) else { continue }
            let settings = defaults.overlaid(by: draft.settings)
            resolved.append(InventoryHost(
                name: name, address: address, zone: draft.zone,
                ssh: SSHSettings(
                    user: settings.sshUser ?? "root", port: settings.sshPort ?? 22,
                    keyPath: settings.sshKey.map { Self.absolutePath($0, relativeTo: directory) }),
                ports: ports, container: settings.container, config: settings.config, line: source.line))
        }
        let replicas = self.replicas ?? 1
        let nodeCount = resolved.reduce(0) { $0 + $1.ports.count }
        if hosts.isEmpty {
            diagnostics.add(wholeFile.issue("no Redis hosts", fix: "add a hosts list (or, in an Ansible inventory, rcluster_ports on the Redis hosts)"))
        } else if !resolved.isEmpty && nodeCount / (replicas + 1) < 3 {
            let where_ = clusterSource ?? wholeFile
            diagnostics.add(where_.issue(
                "\(nodeCount) nodes with \(replicas) replica(s) per master make \(nodeCount / (replicas + 1)) master(s); Redis Cluster needs at least 3",
                fix: "add ports (at least \(3 * (replicas + 1)) nodes) or lower replicas"))
        }
        guard diagnostics.issues.isEmpty else { return nil }
        let auth: InventoryAuth = authEnabled == false
            ? .disabled
            : .password(secretsFile: Self.absolutePath(secretsFile ?? "\(baseName).secrets.yml", relativeTo: directory))
        return Inventory(path: path, clusterName: clusterName ?? baseName, replicas: replicas, auth: auth, hosts: resolved)
    }

    private static func ports(of draft: HostDraft, name: String, _ diagnostics: Diagnostics) -> [Int]? {
        let ports: [Int]
        switch (draft.ports, draft.nodeCount, draft.basePort) {
        case (let list?, nil, nil):
            ports = list
        case (nil, let count?, let base?):
            guard HostDraft.portRange.contains(base + count - 1) else {
                diagnostics.add(draft.source.issue("host '\(name)': nodes from base_port \(base) go past port \(HostDraft.portRange.upperBound)", fix: "lower base_port"))
                return nil
            }
            ports = Array(base..<base + count)
        case (nil, _?, nil):
            diagnostics.add(draft.source.issue("host '\(name)' has nodes but no base_port", fix: "add base_port: 7000 (or list the ports)"))
            return nil
        case (nil, nil, _):
            diagnostics.add(draft.source.issue("host '\(name)' has no ports", fix: "add ports: [7000, 7003] (or nodes: 2 with base_port: 7000)"))
            return nil
        default:
            diagnostics.add(draft.source.issue("host '\(name)' has both ports and nodes/base_port", fix: "use one of the two"))
            return nil
        }
        var seen = Set<Int>()
        for port in ports where !seen.insert(port).inserted {
            diagnostics.add(draft.source.issue("host '\(name)' lists port \(port) twice", fix: "each node needs its own port"))
            return nil
        }
        for port in ports where seen.contains(port + 10000) {
            diagnostics.add(draft.source.issue("host '\(name)': port \(port + 10000) is also the cluster bus port of node \(port)", fix: "keep node ports apart by more than 10000"))
            return nil
        }
        return ports
    }

    static func absolutePath(_ path: String, relativeTo directory: String) -> String {
        if path.hasPrefix("~/") { return HomeDirectory.path + path.dropFirst(1) }
        if path.hasPrefix("/") { return path }
        let base = directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }
}
