import ClusterModel
import Planner
import Testing

func nodes(_ hosts: [String], basePort: Int = 7000, zones: [String: String] = [:]) -> [PlannerNode] {
    hosts.enumerated().map { index, host in
        PlannerNode(address: NodeAddress(host: host, port: basePort + index), host: host, zone: zones[host])
    }
}

@Suite struct LayoutPlannerTests {
    @Test func theSeedLayoutIsPerfect() throws {
        // The user's seed: 3 servers, 2 nodes each, 1 replica.
        let layout = try LayoutPlanner.plan(nodes: nodes(["a", "a", "b", "b", "c", "c"]), replicas: 1, seed: 1)
        #expect(layout.masters.map(\.node.host) == ["a", "b", "c"])
        #expect(layout.masters.map(\.slots.description) == ["0-5460", "5461-10922", "10923-16383"])
        #expect(layout.replicas.count == 3)
        #expect(layout.antiAffinity.isPerfect)
        #expect(layout.antiAffinity.referenceScore == 0)
        for replica in layout.replicas { #expect(replica.node.host != layout.masters[replica.master].node.host) }
    }

    @Test func oneHostCannotBePerfectAndSaysWhy() throws {
        let layout = try LayoutPlanner.plan(nodes: nodes(Array(repeating: "only", count: 6)), replicas: 1, seed: 1)
        #expect(layout.antiAffinity.replicasWithTheirMaster.count == 3)
        #expect(layout.antiAffinity.reasons.contains { $0.contains("only 1 host(s) for 2 copies") })
    }

    @Test func anOverloadedHostIsNamed() throws {
        let layout = try LayoutPlanner.plan(nodes: nodes(["a", "a", "a", "a", "b", "c"]), replicas: 1, seed: 3)
        #expect(layout.antiAffinity.replicasWithTheirMaster.count == 1)
        #expect(layout.antiAffinity.reasons.contains { $0.contains("host a holds 4 nodes but there are only 3 shards") })
    }

    @Test func leftoversBecomeExtraReplicasThenEmptyMasters() throws {
        let seven = try LayoutPlanner.plan(nodes: nodes(["a", "b", "c", "a", "b", "c", "a"]), replicas: 1, seed: 1)
        #expect(seven.masters.count == 3 && seven.replicas.count == 4 && seven.emptyMasters.isEmpty)
        let many = try LayoutPlanner.plan(nodes: nodes((0..<23).map { "h\($0 % 6)" }), replicas: 5, seed: 1)
        #expect(many.masters.count == 3)
        #expect(many.replicas.count == 18)
        #expect(many.emptyMasters.count == 2)
    }

    @Test func zonesKeepReplicasAwayFromTheirMastersZone() throws {
        let hosts = ["a1", "a2", "b1", "b2", "c1", "c2"]
        let zones = ["a1": "za", "a2": "za", "b1": "zb", "b2": "zb", "c1": "zc", "c2": "zc"]
        let layout = try LayoutPlanner.plan(nodes: nodes(hosts, zones: zones), replicas: 1, seed: 9)
        #expect(Set(layout.masters.map(\.node.zone)) == ["za", "zb", "zc"])
        #expect(layout.antiAffinity.isPerfect)
        for replica in layout.replicas { #expect(replica.node.zone != layout.masters[replica.master].node.zone) }
    }

    @Test func badRequestsAreRefused() {
        #expect(throws: PlannerError.tooFewMasters(nodes: 5, replicas: 1)) {
            try LayoutPlanner.plan(nodes: nodes(["a", "b", "c", "d", "e"]), replicas: 1, seed: 0)
        }
        #expect(throws: PlannerError.negativeReplicas(-1)) {
            try LayoutPlanner.plan(nodes: nodes(["a", "b", "c"]), replicas: -1, seed: 0)
        }
        let twice = nodes(["a", "b", "c"]) + [nodes(["a"])[0]]
        #expect(throws: PlannerError.duplicateNode(twice[0].address)) { try LayoutPlanner.plan(nodes: twice, replicas: 0, seed: 0) }
        let split = [PlannerNode(address: .init(host: "h", port: 1), host: "h", zone: "z1"),
                     PlannerNode(address: .init(host: "h", port: 2), host: "h", zone: "z2")] + nodes(["x", "y"])
        #expect(throws: PlannerError.self) { try LayoutPlanner.plan(nodes: split, replicas: 0, seed: 0) }
        #expect(PlannerError.tooFewMasters(nodes: 5, replicas: 1).description.contains("at least 6 nodes"))
    }
}
