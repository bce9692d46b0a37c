import ClusterModel

public enum PlannerError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooFewMasters(nodes: Int, replicas: Int)
    case negativeReplicas(Int)
    case duplicateNode(NodeAddress)
    case hostInTwoZones(host: String, zones: [String])

    public var description: String {
        switch self {
        case .tooFewMasters(let nodes, let replicas):
            return "a cluster needs at least 3 masters: with --replicas \(replicas), \(nodes) node(s) give \(nodes / (replicas + 1)); give at least \(3 * (replicas + 1)) nodes or fewer replicas"
        case .negativeReplicas(let replicas):
            return "--replicas must be 0 or more, not \(replicas)"
        case .duplicateNode(let address):
            return "node \(address) is listed twice"
        case .hostInTwoZones(let host, let zones):
            return "host \(host) is placed in several zones (\(zones.joined(separator: ", "))); a host belongs to one zone"
        }
    }
}
