/// An Ansible YAML inventory: groups under `all` with `hosts`, `children` and
/// `vars`. Host connection comes from ansible_host/_user/_port and
/// ansible_ssh_private_key_file; rcluster's settings from `rcluster_<key>`
/// variables at any level (host over child group over parent over all).
/// Hosts without rcluster_ports or rcluster_nodes are not Redis hosts and are skipped.
extension InventoryDocument {
    mutating func readAnsible(_ entries: [(key: String, value: YAMLValue)], _ diagnostics: Diagnostics) {
        var order: [String] = []
        var hostVars: [String: [(key: String, value: YAMLValue)]] = [:]
        var hostSource: [String: YAMLValue] = [:]
        func walk(_ group: YAMLValue, inherited: [(key: String, value: YAMLValue)]) {
            if group.isNull { return }
            guard let entries = group.entries(diagnostics) else { return }
            var vars = inherited
            for (key, value) in entries where key == "vars" {
                vars += value.entries(diagnostics) ?? []
            }
            for (key, value) in entries {
                switch key {
                case "vars": continue
                case "hosts":
                    if value.isNull { continue }
                    for (name, own) in value.entries(diagnostics) ?? [] {
                        if hostVars[name] == nil { order.append(name); hostVars[name] = vars; hostSource[name] = own }
                        else { hostVars[name]! += vars }
                        if !own.isNull { hostVars[name]! += own.entries(diagnostics) ?? [] }
                    }
                case "children":
                    if value.isNull { continue }
                    for (_, child) in value.entries(diagnostics) ?? [] { walk(child, inherited: vars) }
                default:
                    diagnostics.add(unknownKey(value, key, known: ["hosts", "children", "vars"]))
                }
            }
        }
        for (key, value) in entries {
            guard key == "all" else {
                walk(value, inherited: [])  // Ansible allows top-level groups besides `all`
                continue
            }
            readClusterVars(value, diagnostics)
            walk(value, inherited: [])
        }
        for name in order {
            guard let vars = hostVars[name], let source = hostSource[name] else { continue }
            var host = HostDraft(name: name, source: source)
            var isRedisHost = false
            for (key, value) in vars {
                switch key {
                case "ansible_host": host.address = HostSettings.token(value, diagnostics, what: "an IP address or DNS name")
                case "ansible_user": host.settings.sshUser = HostSettings.token(value, diagnostics, what: "a user name")
                case "ansible_port": host.settings.sshPort = value.int(diagnostics, in: 1...65535)
                case "ansible_ssh_private_key_file", "ansible_private_key_file": host.settings.sshKey = value.string(diagnostics)
                case _ where key.hasPrefix("rcluster_"):
                    let setting = String(key.dropFirst("rcluster_".count))
                    if ["ports", "nodes"].contains(setting) { isRedisHost = true }
                    if Self.clusterKeys.contains(setting) { continue }  // read from all.vars
                    if setting == "name" || !Self.readHostKey(setting, value, into: &host, diagnostics) {
                        diagnostics.add(unknownKey(value, key, known: (Self.hostKeys.filter { $0 != "name" && $0 != "address" } + HostSettings.keys + Self.clusterKeys).map { "rcluster_" + $0 }))
                    }
                default: continue  // other Ansible variables are not ours
                }
            }
            if host.address == nil { host.address = name }
            if isRedisHost { hosts.append(host) }
        }
    }

    /// Cluster-wide settings (rcluster_name, rcluster_replicas, rcluster_auth) live in all.vars.
    private mutating func readClusterVars(_ all: YAMLValue, _ diagnostics: Diagnostics) {
        guard !all.isNull, let entries = all.entries(diagnostics) else { return }
        for (key, value) in entries where key == "vars" {
            clusterSource = value
            for (name, item) in value.entries(diagnostics) ?? [] where name.hasPrefix("rcluster_") {
                _ = readCluster(String(name.dropFirst("rcluster_".count)), item, diagnostics)
            }
        }
    }
}
