/// Scores a layout and explains what cannot be avoided.
enum AntiAffinityEvaluator {
    static func evaluate(masters: [ClusterLayout.Master], replicas: [ClusterLayout.Replica],
                         allNodes: [PlannerNode], replicasPerMaster: Int) -> AntiAffinityReport {
        var problems: [AntiAffinityReport.Problem] = []
        var referenceScore = 0
        for (index, master) in masters.enumerated() {
            let own = replicas.filter { $0.master == index }.map(\.node)
            var seenHosts: Set<String> = []
            for replica in own {
                if replica.host == master.node.host {
                    problems.append(.init(kind: .sameHostAsMaster, replica: replica, master: master.node, domain: replica.host))
                    referenceScore += 10_000
                } else if !seenHosts.insert(replica.host).inserted {
                    problems.append(.init(kind: .sameHostAsSiblingReplica, replica: replica, master: master.node, domain: replica.host))
                } else if let zone = replica.zone, zone == master.node.zone {
                    problems.append(.init(kind: .sameZoneAsMaster, replica: replica, master: master.node, domain: zone))
                }
            }
            let byHost = Dictionary(grouping: own.filter { $0.host != master.node.host }, by: \.host)
            referenceScore += byHost.values.filter { $0.count > 1 }.map(\.count).reduce(0, +)
        }
        return AntiAffinityReport(problems: problems, referenceScore: referenceScore,
                                  reasons: problems.isEmpty ? [] : reasons(masters: masters.count, allNodes: allNodes,
                                                                           replicasPerMaster: replicasPerMaster))
    }

    /// Pigeonhole facts that force sharing; the assignment itself is optimal.
    private static func reasons(masters: Int, allNodes: [PlannerNode], replicasPerMaster: Int) -> [String] {
        var reasons: [String] = []
        let hosts = Dictionary(grouping: allNodes, by: \.host)
        if hosts.count < replicasPerMaster + 1 {
            reasons.append("only \(hosts.count) host(s) for \(replicasPerMaster + 1) copies of each shard: some copies must share a host")
        }
        for (host, nodes) in hosts.sorted(by: { $0.key < $1.key }) where nodes.count > masters {
            reasons.append("host \(host) holds \(nodes.count) nodes but there are only \(masters) shards: at least \(nodes.count - masters) shard(s) have two copies there")
        }
        let zones = Dictionary(grouping: allNodes.compactMap(\.zone), by: { $0 })
        if !zones.isEmpty, zones.count < replicasPerMaster + 1 {
            reasons.append("only \(zones.count) zone(s) for \(replicasPerMaster + 1) copies of each shard")
        }
        if reasons.isEmpty {
            reasons.append("no assignment of these nodes avoids it: the planner searches all assignments of replicas to masters (min-cost flow)")
        }
        return reasons
    }
}
