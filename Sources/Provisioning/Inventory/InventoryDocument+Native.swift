extension InventoryDocument {
    /// rcluster's own layout: `cluster`, `defaults` and a `hosts` list.
    mutating func readNative(_ entries: [(key: String, value: YAMLValue)], _ diagnostics: Diagnostics) {
        for (key, value) in entries {
            switch key {
            case "cluster":
                clusterSource = value
                for (clusterKey, item) in value.entries(diagnostics) ?? [] where !readCluster(clusterKey, item, diagnostics) {
                    diagnostics.add(unknownKey(item, clusterKey, known: Self.clusterKeys))
                }
            case "defaults":
                for (settingKey, item) in value.entries(diagnostics) ?? [] where !defaults.read(settingKey, item, diagnostics) {
                    diagnostics.add(unknownKey(item, settingKey, known: HostSettings.keys))
                }
            case "hosts":
                for hostValue in value.elements(diagnostics) ?? [] {
                    var host = HostDraft(source: hostValue)
                    for (hostKey, item) in hostValue.entries(diagnostics) ?? []
                    where !Self.readHostKey(hostKey, item, into: &host, diagnostics) {
                        diagnostics.add(unknownKey(item, hostKey, known: Self.hostKeys + HostSettings.keys))
                    }
                    hosts.append(host)
                }
            default:
                diagnostics.add(unknownKey(value, key, known: ["cluster", "defaults", "hosts"]))
            }
        }
    }
}
