import ClusterModel

/// A planned cluster: which nodes are masters with which slots, which nodes
/// replicate which master, and how well the layout survives a host failure.
public struct ClusterLayout: Sendable, Hashable {
    public struct Master: Sendable, Hashable {
        public let node: PlannerNode
        public let slots: SlotRange
    }

    public struct Replica: Sendable, Hashable {
        public let node: PlannerNode
        /// Index into `masters`.
        public let master: Int
    }

    public let seed: UInt64
    public let replicasPerMaster: Int
    public let masters: [Master]
    public let replicas: [Replica]
    /// Nodes beyond one extra replica per master: they join as masters without slots.
    public let emptyMasters: [PlannerNode]
    public let antiAffinity: AntiAffinityReport

    public var nodeCount: Int { masters.count + replicas.count + emptyMasters.count }

    public func replicas(of master: Int) -> [Replica] { replicas.filter { $0.master == master } }
}
