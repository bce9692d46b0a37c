/// The reference's rebalance computation: each master's expected share of the
/// 16384 slots by weight, the masters beyond the threshold, and the moves that
/// pair the most-over master with the most-under one until all balances are 0.
public enum RebalancePlanner {
    public struct Master: Sendable, Hashable {
        public let id: String
        public let slots: Int
        public let weight: Double

        public init(id: String, slots: Int, weight: Double) {
            self.id = id
            self.slots = slots
            self.weight = weight
        }
    }

    public struct Move: Sendable, Hashable {
        public let sourceID: String
        public let targetID: String
        public let count: Int
    }

    public enum Outcome: Sendable, Hashable {
        /// Every master within the threshold (in percent).
        case balanced(threshold: Double)
        case moves([Move])
    }

    /// `masters` are those taking part (empty masters only with use-empty-masters,
    /// as the caller decides); their slots must sum to the slots they own.
    public static func plan(_ masters: [Master], thresholdPercent: Double) -> Outcome {
        let totalWeight = masters.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return .balanced(threshold: thresholdPercent) }
        var nodes = masters.map { master -> (id: String, balance: Int, overThreshold: Bool) in
            let expected = Int(Double(16384) / totalWeight * master.weight)
            let over: Bool
            if master.slots == 0 {
                over = expected > 1
            } else {
                over = abs(100 - 100 * Double(expected) / Double(master.slots)) > thresholdPercent
            }
            return (master.id, master.slots - expected, over)
        }
        guard thresholdPercent > 0, nodes.contains(where: \.overThreshold) else { return .balanced(threshold: thresholdPercent) }
        // Rounding can leave the balances summing above zero: let the nodes
        // that receive take one slot more each, in order, until they sum to 0.
        var total = nodes.reduce(0) { $0 + $1.balance }
        while total > 0 {
            for index in nodes.indices where nodes[index].balance <= 0 && total > 0 {
                nodes[index].balance -= 1
                total -= 1
            }
        }
        nodes.sort { $0.balance < $1.balance }
        var moves: [Move] = []
        var receiver = 0
        var giver = nodes.count - 1
        while receiver < giver {
            let count = min(-nodes[receiver].balance, nodes[giver].balance)
            if count > 0 {
                moves.append(Move(sourceID: nodes[giver].id, targetID: nodes[receiver].id, count: count))
                nodes[receiver].balance += count
                nodes[giver].balance -= count
            }
            if nodes[receiver].balance == 0 { receiver += 1 }
            if nodes[giver].balance == 0 { giver -= 1 }
            if count <= 0 && nodes[receiver].balance != 0 && nodes[giver].balance != 0 { break }
        }
        return .moves(moves)
    }
}
