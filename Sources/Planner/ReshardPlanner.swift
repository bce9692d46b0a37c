/// Which slots a reshard moves. Like the reference, sources give in proportion
/// to what they hold (largest first, lowest slots first); unlike it, the plan
/// always moves exactly the number asked for (the reference can come out short:
/// 10 slots from 4 equal masters moves 9).
public enum ReshardPlanner {
    public struct Source: Sendable, Hashable {
        public let id: String
        public let slots: [Int]

        public init(id: String, slots: [Int]) {
            self.id = id
            self.slots = slots.sorted()
        }
    }

    public struct Move: Sendable, Hashable {
        public let slot: Int
        public let sourceID: String

        public init(slot: Int, sourceID: String) {
            self.slot = slot
            self.sourceID = sourceID
        }
    }

    public enum PlanError: Error, Equatable, CustomStringConvertible {
        case notEnoughSlots(requested: Int, available: Int)
        case nothingToMove

        public var description: String {
            switch self {
            case .notEnoughSlots(let requested, let available):
                return "the sources hold \(available) slot(s), fewer than the \(requested) requested"
            case .nothingToMove:
                return "the number of slots to move must be at least 1"
            }
        }
    }

    public static func plan(moving count: Int, from sources: [Source]) throws(PlanError) -> [Move] {
        guard count > 0 else { throw .nothingToMove }
        let total = sources.reduce(0) { $0 + $1.slots.count }
        guard total >= count else { throw .notEnoughSlots(requested: count, available: total) }
        let ordered = sources.enumerated().sorted { ($1.element.slots.count, $0.offset) < ($0.element.slots.count, $1.offset) }.map(\.element)
        var shares = ordered.enumerated().map { index, source -> Int in
            let exact = Double(count) / Double(total) * Double(source.slots.count)
            return min(source.slots.count, index == 0 ? Int(exact.rounded(.up)) : Int(exact.rounded(.down)))
        }
        // Top up (largest sources first) or trim (smallest first) to exactly `count`.
        var index = 0
        while shares.reduce(0, +) < count {
            if shares[index] < ordered[index].slots.count { shares[index] += 1 }
            index = (index + 1) % ordered.count
        }
        index = ordered.count - 1
        while shares.reduce(0, +) > count {
            if shares[index] > 0 { shares[index] -= 1 }
            index = index == 0 ? ordered.count - 1 : index - 1
        }
        return zip(ordered, shares).flatMap { source, share in
            source.slots.prefix(share).map { Move(slot: $0, sourceID: source.id) }
        }
    }
}
