import ClusterModel
import Planner
import RedisClient

/// Rebalance: the reference's computation (RebalancePlanner), each move run by
/// the Resharder, so it shares its batching, BUSYKEY handling and checks.
public struct Rebalancer: Sendable {
    public struct Request: Sendable {
        /// ID prefix -> weight; each prefix must name exactly one master.
        public var weights: [String: Double]
        public var useEmptyMasters: Bool
        public var thresholdPercent: Double

        public init(weights: [String: Double], useEmptyMasters: Bool, thresholdPercent: Double) {
            self.weights = weights
            self.useEmptyMasters = useEmptyMasters
            self.thresholdPercent = thresholdPercent
        }
    }

    let resharder: Resharder

    public init(options: RedisConnectionOptions, settings: SlotMigrator.Settings) {
        resharder = Resharder(options: options, settings: settings)
    }

    public func plan(_ request: Request, on snapshot: ClusterSnapshot) throws(ClusterAdminError) -> RebalancePlanner.Outcome {
        try ClusterCheck.run(snapshot).requireHealthy(before: "rebalancing")
        var weights: [String: Double] = [:]
        for (prefix, weight) in request.weights {
            let node = try snapshot.node(matching: prefix)
            guard node.isMaster else { throw .refused("--weight \(prefix) names a replica (\(node.address)); weights are for masters") }
            weights[node.id] = weight
        }
        let masters = snapshot.masters.filter { !$0.listed.isFailing }.compactMap { master -> RebalancePlanner.Master? in
            let weight = master.slots.isEmpty && !request.useEmptyMasters ? 0 : weights[master.id] ?? 1
            guard weight > 0 || !master.slots.isEmpty else { return nil }
            return .init(id: master.id, slots: master.slots.count, weight: weight)
        }
        return RebalancePlanner.plan(masters, thresholdPercent: request.thresholdPercent)
    }

    /// Runs the moves, grouped by receiving master: one reshard per receiver,
    /// whose sources move in parallel lanes. (A master only gives or only
    /// receives in the reference's computation, so the groups are independent.)
    /// The snapshot is reloaded per group so each starts from what the cluster holds.
    /// `starting` is told each move as its group begins, `progress` each window moved.
    public func execute(_ moves: [RebalancePlanner.Move], entry: NodeAddress, loader: ClusterLoader, stop: StopRequest? = nil,
                        starting: @Sendable (RebalancePlanner.Move) -> Void,
                        progress: @escaping @Sendable (Resharder.Event) -> Void = { _ in }) async throws(ClusterAdminError) -> Int {
        var keys = 0
        var targets: [String] = []
        for move in moves where !targets.contains(move.targetID) { targets.append(move.targetID) }
        for targetID in targets {
            if stop?.isRequested == true { throw .interrupted }
            let group = moves.filter { $0.targetID == targetID }
            group.forEach(starting)
            let snapshot = try await loader.load(from: entry)
            try ClusterCheck.run(snapshot).requireHealthy(before: "rebalancing")
            let target = try snapshot.node(matching: targetID)
            var slotMoves: [ReshardPlanner.Move] = []
            var sources: [ObservedNode] = []
            for move in group {
                let source = try snapshot.node(matching: move.sourceID)
                let slots = Array(source.slots).sorted()
                guard slots.count >= move.count else {
                    throw .refused("\(source.address) holds \(slots.count) slots, fewer than the \(move.count) to move; the cluster changed during the rebalance")
                }
                sources.append(source)
                slotMoves += slots.prefix(move.count).map { ReshardPlanner.Move(slot: $0, sourceID: source.id) }
            }
            keys += try await resharder.execute(Resharder.Plan(target: target, sources: sources, moves: slotMoves), on: snapshot, stop: stop, progress: progress).keys
        }
        return keys
    }
}
