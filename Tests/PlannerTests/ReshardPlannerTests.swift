import ClusterModel
import Planner
import Testing

@Suite struct ReshardPlannerTests {
    @Test func movesExactlyTheNumberAskedWhereTheReferenceFallsShort() throws {
        let sources = (0..<4).map { ReshardPlanner.Source(id: "m\($0)", slots: Array(($0 * 4096)..<(($0 + 1) * 4096))) }
        let moves = try ReshardPlanner.plan(moving: 10, from: sources)
        #expect(moves.count == 10)
        #expect(Set(moves.map(\.slot)).count == 10)
        // Lowest slots of each source first.
        #expect(moves.filter { $0.sourceID == "m0" }.map(\.slot) == Array(0..<moves.filter { $0.sourceID == "m0" }.count))
    }

    @Test func largerSourcesGiveMore() throws {
        let moves = try ReshardPlanner.plan(moving: 300, from: [
            .init(id: "small", slots: Array(0..<1000)), .init(id: "large", slots: Array(1000..<3000)),
        ])
        #expect(moves.filter { $0.sourceID == "large" }.count == 200)
        #expect(moves.filter { $0.sourceID == "small" }.count == 100)
    }

    @Test func refusesImpossibleRequests() {
        #expect(throws: ReshardPlanner.PlanError.notEnoughSlots(requested: 11, available: 10)) {
            try ReshardPlanner.plan(moving: 11, from: [.init(id: "a", slots: Array(0..<10))])
        }
        #expect(throws: ReshardPlanner.PlanError.nothingToMove) { try ReshardPlanner.plan(moving: 0, from: []) }
    }

    @Test(arguments: 0..<60)
    func exactCountOverRandomSources(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        var next = 0
        let sources = (0..<Int.random(in: 1...8, using: &random)).map { index -> ReshardPlanner.Source in
            let size = Int.random(in: 0...2000, using: &random)
            defer { next += size }
            return .init(id: "s\(index)", slots: Array(next..<(next + size)))
        }
        let total = sources.reduce(0) { $0 + $1.slots.count }
        guard total > 0 else { return }
        let count = Int.random(in: 1...total, using: &random)
        let moves = try ReshardPlanner.plan(moving: count, from: sources)
        #expect(moves.count == count)
        #expect(Set(moves.map(\.slot)).count == count)
        for move in moves { #expect(sources.first { $0.id == move.sourceID }!.slots.contains(move.slot)) }
    }
}
