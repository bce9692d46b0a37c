import ArgumentParser
import ClusterModel
import Provisioning

/// Overrides of the failure domains the planner keeps replicas apart by.
struct FailureDomainOptions: ParsableArguments {
    @Option(name: .customLong("host-of"), parsing: .singleValue,
            help: ArgumentHelp("Name the physical host of a node, e.g. 10.0.0.5:7000=rack1-server3 (default: its resolved IP).",
                               valueName: "ADDR=HOST"))
    var hostOf: [String] = []

    @Option(name: .customLong("zone-of"), parsing: .singleValue,
            help: ArgumentHelp("Put a host in a zone or rack, e.g. 10.0.0.5=zone-a; replicas avoid their master's zone too.",
                               valueName: "HOST=ZONE"))
    var zoneOf: [String] = []

    @Option(name: [.customShort("i"), .customLong("inventory")],
            help: ArgumentHelp("Take each node's host (and zone) from a deploy inventory; --host-of and --zone-of still win.",
                               valueName: "FILE"))
    var inventory: String?

    func validate() throws {
        _ = try hosts(for: [])
        _ = try zones()
    }

    /// Host names for the nodes: the inventory's (for the listed nodes it
    /// knows), then --host-of.
    func hosts(for nodes: [NodeAddress]) throws -> [NodeAddress: String] {
        var result: [NodeAddress: String] = [:]
        if let inventory = try loadInventory() {
            for host in inventory.hosts {
                for port in host.ports where nodes.contains(NodeAddress(host: host.address, port: port)) {
                    result[NodeAddress(host: host.address, port: port)] = host.name
                }
            }
        }
        for item in hostOf {
            let (left, right) = try split(item, option: "--host-of", example: "127.0.0.1:7000=server-a")
            result[try NodeAddressArgument.parse(left)] = right
        }
        return result
    }

    func zones() throws -> [String: String] {
        var result: [String: String] = [:]
        for host in try loadInventory()?.hosts ?? [] {
            if let zone = host.zone { result[host.name] = zone }
        }
        for item in zoneOf {
            let (left, right) = try split(item, option: "--zone-of", example: "server-a=zone-1")
            result[left] = right
        }
        return result
    }

    private func loadInventory() throws -> Inventory? {
        guard let inventory else { return nil }
        do {
            return try InventoryLoader.load(path: inventory)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func split(_ item: String, option: String, example: String) throws -> (String, String) {
        guard let equals = item.lastIndex(of: "="), equals != item.startIndex, item.index(after: equals) != item.endIndex else {
            throw ValidationError("\(option) '\(item)' must look like \(example)")
        }
        return (String(item[..<equals]), String(item[item.index(after: equals)...]))
    }
}
