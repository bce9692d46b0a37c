import ClusterModel
import RedisClient

/// Removes a node that owns no slots: its replicas move to the master with the
/// fewest replicas, every other node forgets it, and (when it still answers)
/// it is soft-reset. Unlike the reference, a node that is down or failed can
/// be removed too: forgetting needs only the others.
public struct NodeRemover: Sendable {
    public struct Outcome: Sendable {
        public let removed: ObservedNode
        public let movedReplicas: [(replica: ObservedNode, to: ObservedNode)]
        public let forgotBy: [NodeAddress]
        public let wasReset: Bool
    }

    let session: NodeSession
    let agreement: ClusterAgreement

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
        agreement = ClusterAgreement(options: options)
    }

    public func remove(_ idOrPrefix: String, from snapshot: ClusterSnapshot, timeout: Duration) async throws(ClusterAdminError) -> Outcome {
        let target = try snapshot.node(matching: idOrPrefix)
        let claimed = snapshot.reachableNodes.contains { node in
            node.ownView?.contains { $0.id == target.id && !$0.slotRanges.isEmpty } ?? false
        }
        guard target.slots.isEmpty, !claimed else {
            throw .refused("Node \(target.address) is not empty! It serves \(target.slots.count) slot(s): reshard them away (rcluster reshard) and try again.")
        }
        let others = snapshot.nodes.filter { $0.id != target.id }
        guard others.contains(where: \.isReachable) else { throw .refused("no other node of the cluster answers") }

        var moved: [(ObservedNode, ObservedNode)] = []
        let orphans = snapshot.replicas(of: target)
        if !orphans.isEmpty {
            guard let newMaster = snapshot.mastersByReplicaCount.first(where: { $0.id != target.id }) else {
                throw .refused("\(target.address) has replicas but no other master can take them")
            }
            try await session.runOnEach(orphans.filter(\.isReachable).map { ($0.address, [["CLUSTER", "REPLICATE", newMaster.id]]) })
            moved = orphans.map { ($0, newMaster) }
        }

        let forgetters = others.filter(\.isReachable)
        try await session.runOnEach(forgetters.map { ($0.address, [["CLUSTER", "FORGET", target.id]]) })
        var reset = false
        if target.isReachable {
            try await session.runOnEach([(target.address, [["CLUSTER", "RESET", "SOFT"]])])
            reset = true
        }
        let gone = await agreement.wait(for: forgetters.map(\.address), timeout: timeout) { views in
            views.values.allSatisfy { !$0.contains { $0.id == target.id } }
        }
        guard gone.met else {
            let stubborn = gone.views.filter { $0.value.contains { $0.id == target.id } }.keys.map { "- \($0) still lists it" }
            throw .convergenceTimedOut(what: "every node forgetting \(target.address)", seconds: timeout.seconds,
                                       diagnosis: stubborn + ["- a node that was unreachable may re-introduce it through gossip; run rcluster del-node again once it answers"])
        }
        return Outcome(removed: target, movedReplicas: moved, forgotBy: forgetters.map(\.address), wasReset: reset)
    }
}
