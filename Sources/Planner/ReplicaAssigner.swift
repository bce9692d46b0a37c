/// Assigns replicas to masters with a min-cost flow, which makes the result
/// optimal rather than the product of redis-cli's random swaps. Costs, from
/// most to least important:
/// - a replica on its master's host (the one thing anti-affinity must avoid);
/// - a replica in its master's zone, when zones are given;
/// - a second replica of one master on the same host, then in the same zone.
/// Every master first gets its `replicas`; leftover nodes then become one
/// extra replica each for as many masters as they cover, as in redis-cli.
enum ReplicaAssigner {
    static let sameHostAsMaster = 1_000_000
    static let sameZoneAsMaster = 10_000
    static let sharedHost = 100
    static let sharedZone = 1
    private static let requiredReplica = -1_000_000_000

    /// For each candidate (in the given order), the master index it replicates, or nil.
    static func assign(candidates: [PlannerNode], to masters: [PlannerNode], replicas: Int) -> [Int?] {
        guard replicas > 0, !candidates.isEmpty else { return candidates.map { _ in nil } }
        let zonesGiven = (masters + candidates).contains { $0.zone != nil }
        var graph = MinCostFlow(vertexCount: 2 + candidates.count)
        let source = 0, sink = 1
        let perMaster = replicas + 1

        var hostVertices: [String: Int] = [:]   // "m|host" -> vertex
        var zoneVertices: [String: Int] = [:]   // "m|zone" -> vertex
        var masterOfHostVertex: [Int: Int] = [:]
        let masterVertices = masters.indices.map { _ in graph.addVertex() }

        func zoneVertex(master: Int, zone: String) -> Int {
            let key = "\(master)|\(zone)"
            if let vertex = zoneVertices[key] { return vertex }
            let vertex = graph.addVertex()
            zoneVertices[key] = vertex
            let penalty = zonesGiven && zone == (masters[master].zone ?? "") ? sameZoneAsMaster : 0
            for unit in 0..<perMaster {
                graph.addEdge(from: vertex, to: masterVertices[master], capacity: 1,
                              cost: penalty + (zonesGiven && unit > 0 ? sharedZone : 0))
            }
            return vertex
        }

        func hostVertex(master: Int, node: PlannerNode) -> Int {
            let key = "\(master)|\(node.host)"
            if let vertex = hostVertices[key] { return vertex }
            let vertex = graph.addVertex()
            hostVertices[key] = vertex
            masterOfHostVertex[vertex] = master
            let penalty = node.host == masters[master].host ? sameHostAsMaster : 0
            let zone = zoneVertex(master: master, zone: node.zone ?? "")
            for unit in 0..<perMaster {
                graph.addEdge(from: vertex, to: zone, capacity: 1, cost: penalty + (unit > 0 ? sharedHost : 0))
            }
            return vertex
        }

        for (index, candidate) in candidates.enumerated() {
            let vertex = 2 + index
            graph.addEdge(from: source, to: vertex, capacity: 1, cost: 0)
            for master in masters.indices {
                graph.addEdge(from: vertex, to: hostVertex(master: master, node: candidate), capacity: 1, cost: 0)
            }
        }
        for vertex in masterVertices {
            graph.addEdge(from: vertex, to: sink, capacity: replicas, cost: requiredReplica)
            graph.addEdge(from: vertex, to: sink, capacity: 1, cost: 0)
        }
        _ = graph.solve(source: source, sink: sink)
        return candidates.indices.map { index in
            graph.flowTargets(from: 2 + index).first.flatMap { masterOfHostVertex[$0] }
        }
    }
}
