import Foundation

/// The inventory while it is being read: both file layouts fill this, then
/// `resolve` merges defaults, checks the whole and builds an Inventory.
struct InventoryDocument {
    let path: String
    var clusterName: String?
    var replicas: Int?
    var authEnabled: Bool?
    var secretsFile: String?
    var defaults = HostSettings()
    var hosts: [HostDraft] = []
    /// Where the cluster settings were written, for whole-cluster complaints.
    var clusterSource: YAMLValue?

    init(path: String) { self.path = path }

    static let clusterKeys = ["name", "replicas", "auth"]

    mutating func readCluster(_ key: String, _ value: YAMLValue, _ diagnostics: Diagnostics) -> Bool {
        switch key {
        case "name": clusterName = HostSettings.token(value, diagnostics, what: "a name (letters, digits, - _ .)")
        case "replicas": replicas = value.int(diagnostics, in: 0...5, fix: "replicas per master, usually 1")
        case "auth": readAuth(value, diagnostics)
        default: return false
        }
        return true
    }

    private mutating func readAuth(_ value: YAMLValue, _ diagnostics: Diagnostics) {
        guard let entries = value.entries(diagnostics) else { return }
        for (key, item) in entries {
            switch key {
            case "enabled": authEnabled = item.bool(diagnostics)
            case "secrets_file": secretsFile = item.string(diagnostics)
            default: diagnostics.add(unknownKey(item, key, known: ["enabled", "secrets_file"]))
            }
        }
    }

    /// Reads a host's own keys; false for a key that is not a host key.
    static func readHostKey(_ key: String, _ value: YAMLValue, into host: inout HostDraft, _ diagnostics: Diagnostics) -> Bool {
        switch key {
        case "name": host.name = HostSettings.token(value, diagnostics, what: "a host name")
        case "address": host.address = HostSettings.token(value, diagnostics, what: "an IP address or DNS name")
        case "zone": host.zone = value.string(diagnostics)
        case "ports": host.ports = HostDraft.readPorts(value, diagnostics)
        case "nodes": host.nodeCount = value.int(diagnostics, in: 1...100)
        case "base_port": host.basePort = value.int(diagnostics, in: HostDraft.portRange)
        default: return host.settings.read(key, value, diagnostics)
        }
        return true
    }

    static let hostKeys = ["name", "address", "zone", "ports", "nodes", "base_port"]
}
