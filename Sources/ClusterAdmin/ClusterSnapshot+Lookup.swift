import ClusterModel

extension ClusterSnapshot {
    /// A node by its full ID or a unique prefix, case-insensitively.
    public func node(matching text: String) throws(ClusterAdminError) -> ObservedNode {
        let prefix = text.lowercased()
        let matches = nodes.filter { $0.id.hasPrefix(prefix) }
        switch matches.count {
        case 0: throw .unknownNode(text)
        case 1: return matches[0]
        default:
            if let exact = matches.first(where: { $0.id == prefix }) { return exact }
            throw .ambiguousNode(text, matches: matches.map(\.id))
        }
    }

    /// Masters with slots ordered by fewest replicas, then cluster order.
    public var mastersByReplicaCount: [ObservedNode] {
        let masters = self.masters.filter { !$0.slots.isEmpty }
        return masters.enumerated().sorted {
            (replicas(of: $0.element).count, $0.offset) < (replicas(of: $1.element).count, $1.offset)
        }.map(\.element)
    }
}
