import ClusterModel

/// Keys, slots and replicas per master: what `info` shows and `check` prints first.
public struct ClusterSummary: Sendable {
    public struct MasterLine: Sendable {
        public let node: ObservedNode
        public let keys: Int?
        public let slots: Int
        public let replicas: Int
    }

    public let masters: [MasterLine]

    public init(_ snapshot: ClusterSnapshot) {
        masters = snapshot.masters.filter { !$0.listed.has(.handshake) }.map { master in
            MasterLine(node: master, keys: master.keyCount, slots: master.slots.count,
                       replicas: snapshot.replicas(of: master).count)
        }
    }

    /// Keys on the masters that answered.
    public var totalKeys: Int { masters.compactMap(\.keys).reduce(0, +) }
    public var unreachableMasters: [MasterLine] { masters.filter { $0.keys == nil } }
    public var keysPerSlot: Double { Double(totalKeys) / Double(HashSlot.count) }
}
