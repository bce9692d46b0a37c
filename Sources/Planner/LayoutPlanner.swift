import ClusterModel

/// Plans a new cluster: masters interleaved across failure domains, the
/// reference's slot ranges, and an optimal replica assignment. Pure: the same
/// nodes, replica count and seed always give the same layout.
public enum LayoutPlanner {
    public static func plan(nodes: [PlannerNode], replicas: Int, seed: UInt64) throws(PlannerError) -> ClusterLayout {
        guard replicas >= 0 else { throw .negativeReplicas(replicas) }
        var seen: Set<NodeAddress> = []
        for node in nodes where !seen.insert(node.address).inserted { throw .duplicateNode(node.address) }
        for (host, members) in Dictionary(grouping: nodes, by: \.host) {
            let zones = Set(members.map { $0.zone ?? "-" })
            if zones.count > 1 { throw .hostInTwoZones(host: host, zones: zones.sorted()) }
        }
        let masterCount = nodes.count / (replicas + 1)
        guard masterCount >= 3 else { throw .tooFewMasters(nodes: nodes.count, replicas: replicas) }

        let order = MasterSelector.interleave(nodes)
        let masters = zip(order.prefix(masterCount), SlotAllocator.ranges(masterCount: masterCount)).map {
            ClusterLayout.Master(node: $0, slots: $1)
        }
        // The seed only breaks ties between equally good assignments.
        var random = SplitMix64(seed: seed)
        let candidates = Array(order.dropFirst(masterCount)).shuffled(using: &random)
        let assignment = ReplicaAssigner.assign(candidates: candidates, to: masters.map(\.node), replicas: replicas)

        var assigned: [ClusterLayout.Replica] = []
        var empty: [PlannerNode] = []
        for (candidate, master) in zip(candidates, assignment) {
            if let master { assigned.append(.init(node: candidate, master: master)) } else { empty.append(candidate) }
        }
        // Present replicas in master order, then in the order the user listed them.
        let position = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.address, $0) })
        assigned.sort { ($0.master, position[$0.node.address]!) < ($1.master, position[$1.node.address]!) }
        empty.sort { position[$0.address]! < position[$1.address]! }

        let report = AntiAffinityEvaluator.evaluate(masters: masters, replicas: assigned, allNodes: nodes,
                                                    replicasPerMaster: replicas)
        return ClusterLayout(seed: seed, replicasPerMaster: replicas, masters: masters, replicas: assigned,
                             emptyMasters: empty, antiAffinity: report)
    }
}
