import ClusterModel
import Planner
import Testing

/// Invariants over seeded random inputs: 1-20 hosts, 3-100 nodes, 0-3 replicas.
@Suite struct LayoutPropertyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let nodes: [PlannerNode]
        let replicas: Int
        let seed: UInt64
        var testDescription: String { "\(nodes.count) nodes on \(Set(nodes.map(\.host)).count) hosts, replicas \(replicas), seed \(seed)" }
    }

    static func randomCases(count: Int, maxNodes: Int, seed: UInt64) -> [Case] {
        var random = SplitMix64(seed: seed)
        return (0..<count).compactMap { _ in
            let replicas = Int.random(in: 0...3, using: &random)
            let hostCount = Int.random(in: 1...20, using: &random)
            let nodeCount = Int.random(in: max(3, 3 * (replicas + 1))...max(3 * (replicas + 1), maxNodes), using: &random)
            let nodes = (0..<nodeCount).map { index in
                let host = "10.0.0.\(Int.random(in: 1...hostCount, using: &random))"
                return PlannerNode(address: NodeAddress(host: host, port: 7000 + index), host: host)
            }
            return Case(nodes: nodes, replicas: replicas, seed: random.next())
        }
    }

    @Test(arguments: randomCases(count: 120, maxNodes: 100, seed: 42))
    func invariantsHold(testCase: Case) throws {
        let layout = try LayoutPlanner.plan(nodes: testCase.nodes, replicas: testCase.replicas, seed: testCase.seed)
        // Every slot owned exactly once, sizes within one.
        var owned = [Int](repeating: 0, count: HashSlot.count)
        for master in layout.masters { for slot in master.slots.slots { owned[slot] += 1 } }
        #expect(owned.allSatisfy { $0 == 1 })
        let sizes = layout.masters.map(\.slots.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
        // Every node placed exactly once; every master has its replicas.
        let placed = layout.masters.map(\.node) + layout.replicas.map(\.node) + layout.emptyMasters
        #expect(Set(placed.map(\.address)) == Set(testCase.nodes.map(\.address)))
        #expect(placed.count == testCase.nodes.count)
        for index in layout.masters.indices {
            #expect((testCase.replicas...(testCase.replicas + 1)).contains(layout.replicas(of: index).count))
        }
        // Same seed, same plan.
        #expect(try LayoutPlanner.plan(nodes: testCase.nodes, replicas: testCase.replicas, seed: testCase.seed) == layout)
        // Never worse than redis-cli's own allocation and random search with the same masters.
        let reference = ReferenceAllocation.score(layout: layout, nodes: testCase.nodes, seed: testCase.seed)
        #expect(layout.antiAffinity.replicasWithTheirMaster.count <= reference.withMaster)
        if layout.antiAffinity.replicasWithTheirMaster.count == reference.withMaster {
            #expect(layout.antiAffinity.referenceScore <= reference.score + layout.masters.count,
                    "sharing among replicas may differ by the reference's group-counting only")
        }
    }

    /// Small cases checked against every possible assignment.
    @Test(arguments: randomCases(count: 150, maxNodes: 9, seed: 7).filter { $0.nodes.count <= 9 })
    func optimalAgainstExhaustiveSearch(testCase: Case) throws {
        let layout = try LayoutPlanner.plan(nodes: testCase.nodes, replicas: testCase.replicas, seed: testCase.seed)
        let best = ExhaustiveSearch.best(masters: layout.masters.map(\.node),
                                         candidates: layout.replicas.map(\.node) + layout.emptyMasters,
                                         replicas: testCase.replicas)
        let ours = (layout.antiAffinity.replicasWithTheirMaster.count, layout.antiAffinity.replicasSharingAHost.count)
        #expect(ours.0 == best.withMaster)
        #expect(ours.0 < best.withMaster || ours.1 <= best.sharing)
    }
}
