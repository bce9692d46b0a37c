/// Orders nodes so that consecutive nodes sit in different failure domains:
/// zones take turns, and within a zone its hosts take turns (hosts and zones
/// in order of first appearance). The first M of this order become masters,
/// as in redis-cli, which interleaves by the IP string alone.
enum MasterSelector {
    static func interleave(_ nodes: [PlannerNode]) -> [PlannerNode] {
        var zones: [(zone: String, hosts: [(host: String, nodes: [PlannerNode])], nextHost: Int)] = []
        for node in nodes {
            let zone = node.zone ?? ""
            let zoneIndex = zones.firstIndex { $0.zone == zone } ?? {
                zones.append((zone, [], 0))
                return zones.count - 1
            }()
            if let hostIndex = zones[zoneIndex].hosts.firstIndex(where: { $0.host == node.host }) {
                zones[zoneIndex].hosts[hostIndex].nodes.append(node)
            } else {
                zones[zoneIndex].hosts.append((node.host, [node]))
            }
        }
        var order: [PlannerNode] = []
        while order.count < nodes.count {
            for zoneIndex in zones.indices {
                let hosts = zones[zoneIndex].hosts
                // The next host of this zone that still has nodes, in rotation.
                for step in 0..<hosts.count {
                    let hostIndex = (zones[zoneIndex].nextHost + step) % hosts.count
                    guard !zones[zoneIndex].hosts[hostIndex].nodes.isEmpty else { continue }
                    order.append(zones[zoneIndex].hosts[hostIndex].nodes.removeFirst())
                    zones[zoneIndex].nextHost = hostIndex + 1
                    break
                }
            }
        }
        return order
    }
}
