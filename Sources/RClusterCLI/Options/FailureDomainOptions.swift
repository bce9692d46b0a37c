import ArgumentParser
import ClusterModel

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

    func validate() throws {
        _ = try hosts()
        _ = try zones()
    }

    func hosts() throws -> [NodeAddress: String] {
        var result: [NodeAddress: String] = [:]
        for item in hostOf {
            let (left, right) = try split(item, option: "--host-of", example: "127.0.0.1:7000=server-a")
            result[try NodeAddressArgument.parse(left)] = right
        }
        return result
    }

    func zones() throws -> [String: String] {
        var result: [String: String] = [:]
        for item in zoneOf {
            let (left, right) = try split(item, option: "--zone-of", example: "server-a=zone-1")
            result[left] = right
        }
        return result
    }

    private func split(_ item: String, option: String, example: String) throws -> (String, String) {
        guard let equals = item.lastIndex(of: "="), equals != item.startIndex, item.index(after: equals) != item.endIndex else {
            throw ValidationError("\(option) '\(item)' must look like \(example)")
        }
        return (String(item[..<equals]), String(item[item.index(after: equals)...]))
    }
}
