import ClusterModel

/// Judges a snapshot: agreement, open slots, coverage, unknown masters,
/// unreachable or failing nodes, and (on request) slots with several owners.
/// Pure, so every case can be tested on captured CLUSTER NODES text.
public enum ClusterCheck {
    public static func run(_ snapshot: ClusterSnapshot, searchMultipleOwners: Bool = false) -> CheckReport {
        var findings: [CheckFinding] = []
        findings += nodeHealthFindings(snapshot)

        let groups = agreementGroups(snapshot)
        if groups.count > 1 {
            let described = groups.map { group in group.map { "\($0.address)" }.joined(separator: ", ") }
            findings.append(CheckFinding(.error, .configDisagreement,
                "nodes don't agree about the slots configuration: " + described.map { "[\($0)]" }.joined(separator: " vs ")
                    + "; wait a few seconds for gossip to settle and check again"))
        }

        let open = openSlots(snapshot)
        for slot in open {
            findings.append(CheckFinding(.error, .openSlot,
                "\(slot.node) has slot \(slot.slot) in \(slot.state.rawValue) state (\(slot.state == .migrating ? "to" : "from") \(slot.peerID.prefix(8))...); run rcluster fix to repair it",
                node: "\(slot.node)", slots: [slot.slot]))
        }

        let covered = snapshot.masters.reduce(SlotSet()) { $0.union($1.slots) }
        let uncovered = SlotSet.full.subtracting(covered)
        if !uncovered.isEmpty {
            findings.append(CheckFinding(.error, .uncoveredSlots,
                "\(uncovered.count) slot(s) are not covered by any node: \(uncovered.ranges.map(\.description).joined(separator: ",")); run rcluster fix to repair it",
                slots: Array(uncovered)))
        }

        var owners: [CheckReport.SlotOwners]?
        if searchMultipleOwners {
            let found = multipleOwners(snapshot)
            owners = found
            for entry in found {
                findings.append(CheckFinding(.error, .multipleOwners,
                    "slot \(entry.slot) has \(entry.ownerIDs.count) owners: \(entry.ownerIDs.map { String($0.prefix(8)) }.joined(separator: ", ")); run rcluster fix to repair it",
                    slots: [entry.slot]))
            }
        }
        return CheckReport(snapshot: snapshot, agreementGroups: groups, openSlots: open,
                           uncoveredSlots: uncovered, multipleOwners: owners, findings: findings)
    }

    private static func nodeHealthFindings(_ snapshot: ClusterSnapshot) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let knownIDs = Set(snapshot.nodes.map(\.id))
        for node in snapshot.nodes {
            let role = node.isMaster ? "master" : "replica"
            if node.listed.has(.handshake) {
                findings.append(CheckFinding(.warning, .handshakeNode,
                    "\(node.address) is still in handshake with \(snapshot.entry.address); if this lasts, its cluster bus port \(node.listed.busPort) may be unreachable",
                    node: "\(node.address)"))
                continue
            }
            if let failure = node.failure {
                let slots = node.slots.isEmpty ? "" : " serving \(node.slots.count) slots (\(node.slotRanges.map(\.description).joined(separator: ",")))"
                findings.append(CheckFinding(.error, .unreachableNode,
                    "\(role) \(node.shortID) at \(node.address)\(slots) is unreachable: \(failure)",
                    node: "\(node.address)"))
            }
            if node.listed.isFailing {
                let state = node.listed.has(.failing) ? "fail" : "fail?"
                findings.append(CheckFinding(.error, .failingNode,
                    "\(snapshot.entry.address) marks \(role) \(node.shortID) at \(node.address) as '\(state)'; restart it, or remove it with rcluster del-node",
                    node: "\(node.address)"))
            }
            if node.isReplica, let master = node.masterID, !knownIDs.contains(master) {
                findings.append(CheckFinding(.error, .unknownMaster,
                    "replica \(node.address) claims to replicate unknown node \(master)",
                    node: "\(node.address)"))
            }
        }
        return findings
    }

    /// Reachable nodes grouped by their view of who owns which slots.
    static func agreementGroups(_ snapshot: ClusterSnapshot) -> [[ObservedNode]] {
        var groups: [(signature: String, nodes: [ObservedNode])] = []
        for node in snapshot.nodes {
            guard let view = node.ownView else { continue }
            let signature = slotSignature(view)
            if let index = groups.firstIndex(where: { $0.signature == signature }) {
                groups[index].nodes.append(node)
            } else {
                groups.append((signature, [node]))
            }
        }
        return groups.map(\.nodes)
    }

    /// Who owns which slots in one node's view, as one comparable string.
    static func slotSignature(_ view: [ClusterNodeEntry]) -> String {
        view.filter { !$0.slotRanges.isEmpty }
            .map { "\($0.id):\($0.slotRanges.map(\.description).joined(separator: ","))" }
            .sorted().joined(separator: "|")
    }

    private static func openSlots(_ snapshot: ClusterSnapshot) -> [CheckReport.OpenSlot] {
        snapshot.nodes.filter(\.isMaster).flatMap { node in
            node.current.migrating.map {
                CheckReport.OpenSlot(node: node.address, nodeID: node.id, slot: $0.slot, state: .migrating, peerID: $0.to)
            } + node.current.importing.map {
                CheckReport.OpenSlot(node: node.address, nodeID: node.id, slot: $0.slot, state: .importing, peerID: $0.from)
            }
        }
    }

    private static func multipleOwners(_ snapshot: ClusterSnapshot) -> [CheckReport.SlotOwners] {
        let claims = snapshot.masters.map { (id: $0.id, slots: $0.slots) }
        return HashSlot.all.compactMap { slot in
            let owners = claims.filter { $0.slots.contains(slot) }.map(\.id)
            return owners.count > 1 ? CheckReport.SlotOwners(slot: slot, ownerIDs: owners) : nil
        }
    }
}
