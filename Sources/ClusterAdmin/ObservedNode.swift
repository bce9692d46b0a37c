import ClusterModel

/// One node of the cluster as rcluster saw it: how the entry node lists it and,
/// when it answered, its own CLUSTER NODES and key count.
public struct ObservedNode: Sendable {
    /// The node's line in the entry node's CLUSTER NODES.
    public let listed: ClusterNodeEntry
    /// The address rcluster connects to (for the entry node: what the user typed).
    public let address: NodeAddress
    public let ownView: [ClusterNodeEntry]?
    public let keyCount: Int?
    /// Why the node could not be read; nil when it answered.
    public let failure: String?

    public init(listed: ClusterNodeEntry, address: NodeAddress, ownView: [ClusterNodeEntry]?,
                keyCount: Int?, failure: String?) {
        self.listed = listed
        self.address = address
        self.ownView = ownView
        self.keyCount = keyCount
        self.failure = failure
    }

    public var id: String { listed.id }
    public var isReachable: Bool { ownView != nil }

    /// The node's own line when it answered (its own word on slots and open
    /// slots, as the reference uses), else the entry node's line about it.
    public var current: ClusterNodeEntry { ownView?.first(where: \.isMyself) ?? listed }

    public var isMaster: Bool { current.isMaster }
    public var isReplica: Bool { current.isReplica }
    public var masterID: String? { current.masterID }
    public var slots: SlotSet { current.slots }
    public var slotRanges: [SlotRange] { current.slotRanges }
    public var shortID: String { String(id.prefix(8)) }
}
