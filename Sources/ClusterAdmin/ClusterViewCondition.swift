import ClusterModel

/// Predicates on one node's CLUSTER NODES view, for agreement polling.
enum ClusterViewCondition {
    /// Knows exactly these nodes (no handshakes pending) and none looks failed;
    /// optionally each link is up and masters own exactly the given slots.
    static func knowsExactly(_ ids: [String], view: [ClusterNodeEntry], connected: Bool = false,
                             slots: [String: [SlotRange]]? = nil) -> Bool {
        guard view.count == ids.count, Set(view.map(\.id)) == Set(ids) else { return false }
        return view.allSatisfy { entry in
            guard !entry.has(.handshake), !entry.has(.noAddress), !entry.isFailing else { return false }
            if connected && !entry.isMyself && entry.linkState != .connected { return false }
            if let slots, entry.slotRanges != (slots[entry.id] ?? []) { return false }
            return true
        }
    }

    /// Every listed replica is a replica of its master in this view.
    static func agreesOnReplicas(_ masterOf: [String: String], view: [ClusterNodeEntry]) -> Bool {
        masterOf.allSatisfy { replica, master in
            view.contains { $0.id == replica && $0.isReplica && $0.masterID == master }
        }
    }
}
