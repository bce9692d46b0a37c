import ClusterAdmin
import Planner

/// `rcluster rebalance --json` (`rcluster.rebalance/1`): the moves, and once
/// they are done (not with --simulate) what moved and how fast.
struct RebalanceJSON: Encodable {
    struct Move: Encodable {
        let from: String
        let fromID: String
        let to: String
        let toID: String
        let slots: Int
    }

    struct Result: Encodable {
        let keys: Int
        let seconds: Double
        let keysPerSecond: Double
    }

    let schema = "rcluster.rebalance/1"
    /// false when every master is within the threshold: no moves.
    let needed: Bool
    let simulated: Bool
    let moves: [Move]
    let slots: Int
    let result: Result?

    init(moves: [RebalancePlanner.Move], address: (String) -> String, simulated: Bool, keys: Int? = nil, seconds: Double = 0) {
        needed = !moves.isEmpty
        self.simulated = simulated
        self.moves = moves.map { Move(from: address($0.sourceID), fromID: $0.sourceID, to: address($0.targetID), toID: $0.targetID, slots: $0.count) }
        slots = moves.reduce(0) { $0 + $1.count }
        result = keys.map { Result(keys: $0, seconds: (seconds * 1000).rounded() / 1000, keysPerSecond: (Double($0) / max(seconds, 0.001)).rounded()) }
    }
}
