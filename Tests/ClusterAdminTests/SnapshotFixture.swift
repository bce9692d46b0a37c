import ClusterAdmin
import ClusterModel
import Testing
import TestSupport

/// Builds snapshots from captured CLUSTER NODES text, as if every node had
/// answered with the same view (with `myself` on its own line).
enum SnapshotFixture {
    static func make(_ fixture: String, unreachable: Set<Int> = [],
                     adjust: (Int, inout [ClusterNodeEntry]) -> Void = { _, _ in }) throws -> ClusterSnapshot {
        let view = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/\(fixture)"))
        let entryIndex = try #require(view.firstIndex { $0.isMyself })
        let ordered = [view[entryIndex]] + view.enumerated().filter { $0.offset != entryIndex }.map(\.element)
        let nodes = ordered.enumerated().map { index, listed -> ObservedNode in
            var own = view.map { entry -> ClusterNodeEntry in
                var copy = entry
                copy.flags.removeAll { $0 == .myself }
                if entry.id == listed.id { copy.flags.insert(.myself, at: 0) }
                if entry.id != listed.id { copy.slotTokens.removeAll { if case .owned = $0 { false } else { true } } }
                return copy
            }
            adjust(index, &own)
            let reachable = !unreachable.contains(index)
            return ObservedNode(listed: listed, address: listed.address, ownView: reachable ? own : nil,
                                keyCount: reachable ? 10 : nil, failure: reachable ? nil : "Connection refused")
        }
        return ClusterSnapshot(entryAddress: nodes[0].address, nodes: nodes)
    }
}
