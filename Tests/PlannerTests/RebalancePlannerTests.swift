import ClusterModel
import Planner
import Testing

@Suite struct RebalancePlannerTests {
    @Test func threeFullMastersAndAnEmptyOneEndAt4096Each() {
        let masters = [
            RebalancePlanner.Master(id: "a", slots: 5461, weight: 1), .init(id: "b", slots: 5462, weight: 1),
            .init(id: "c", slots: 5461, weight: 1), .init(id: "d", slots: 0, weight: 1),
        ]
        guard case .moves(let moves) = RebalancePlanner.plan(masters, thresholdPercent: 2) else {
            Issue.record("no moves"); return
        }
        var slots = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.slots) })
        for move in moves {
            slots[move.sourceID]! -= move.count
            slots[move.targetID]! += move.count
        }
        #expect(slots == ["a": 4096, "b": 4096, "c": 4096, "d": 4096])
        #expect(moves.allSatisfy { $0.targetID == "d" })
    }

    @Test func withinThresholdNothingMoves() {
        let masters = [RebalancePlanner.Master(id: "a", slots: 5461, weight: 1), .init(id: "b", slots: 5462, weight: 1),
                       .init(id: "c", slots: 5461, weight: 1)]
        #expect(RebalancePlanner.plan(masters, thresholdPercent: 2) == .balanced(threshold: 2))
        #expect(RebalancePlanner.plan(masters, thresholdPercent: 0) == .balanced(threshold: 0))
    }

    @Test func weightsShiftShares() {
        let masters = [RebalancePlanner.Master(id: "a", slots: 8192, weight: 1), .init(id: "b", slots: 8192, weight: 3)]
        guard case .moves(let moves) = RebalancePlanner.plan(masters, thresholdPercent: 2) else { Issue.record("no moves"); return }
        #expect(moves.map { "\($0.sourceID)>\($0.targetID):\($0.count)" } == ["a>b:4096"])
    }

    @Test(arguments: 0..<40)
    func movesAlwaysConvergeAndConserveSlots(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        let count = Int.random(in: 2...8, using: &random)
        var remaining = 16384
        let masters = (0..<count).map { index -> RebalancePlanner.Master in
            let slots = index == count - 1 ? remaining : Int.random(in: 0...remaining, using: &random)
            remaining -= slots
            return .init(id: "m\(index)", slots: slots, weight: Double(Int.random(in: 1...4, using: &random)))
        }
        guard case .moves(let moves) = RebalancePlanner.plan(masters, thresholdPercent: 1) else { return }
        var slots = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.slots) })
        for move in moves {
            #expect(move.count > 0)
            slots[move.sourceID]! -= move.count
            slots[move.targetID]! += move.count
            #expect(slots[move.sourceID]! >= 0)
        }
        #expect(slots.values.reduce(0, +) == 16384)
        let total = masters.reduce(0) { $0 + $1.weight }
        for master in masters {
            let expected = Int(16384 / total * master.weight)
            #expect(abs(slots[master.id]! - expected) <= masters.count, "\(master.id): \(slots[master.id]!) vs \(expected)")
        }
    }
}
