import ClusterModel

/// Everything loaded from a cluster at one moment, starting from one node.
public struct ClusterSnapshot: Sendable {
    public let entryAddress: NodeAddress
    /// The entry node first, then the order of its CLUSTER NODES reply.
    public let nodes: [ObservedNode]

    public init(entryAddress: NodeAddress, nodes: [ObservedNode]) {
        self.entryAddress = entryAddress
        self.nodes = nodes
    }

    public var entry: ObservedNode { nodes[0] }
    public var masters: [ObservedNode] { nodes.filter(\.isMaster) }
    public var reachableNodes: [ObservedNode] { nodes.filter(\.isReachable) }

    public func node(id: String) -> ObservedNode? { nodes.first { $0.id == id } }

    public func replicas(of master: ObservedNode) -> [ObservedNode] {
        nodes.filter { $0.isReplica && $0.masterID == master.id }
    }
}
