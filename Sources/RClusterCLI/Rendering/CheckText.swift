import ClusterAdmin
import ClusterModel

/// `check` as text: the reference's sections and wording, then rcluster's own
/// findings (unreachable and failing nodes, unknown masters) and a verdict.
enum CheckText {
    static func lines(_ report: CheckReport) -> [String] {
        let snapshot = report.snapshot
        var lines = SummaryText.lines(ClusterSummary(snapshot))
        lines.append(">>> Performing Cluster Check (using node \(snapshot.entry.address))")
        for node in snapshot.nodes where !node.listed.has(.handshake) {
            lines += nodeLines(node, in: snapshot)
        }
        lines.append(report.nodesAgree ? "[OK] All nodes agree about slots configuration."
                                       : "[ERR] Nodes don't agree about configuration!")
        lines.append(">>> Check for open slots...")
        for open in report.openSlots {
            lines.append("[WARNING] Node \(open.node) has slots in \(open.state.rawValue) state \(open.slot).")
        }
        if !report.openSlots.isEmpty {
            lines.append("[WARNING] The following slots are open: \(report.openSlotNumbers.map(String.init).joined(separator: ",")).")
        }
        lines.append(">>> Check slots coverage...")
        if report.uncoveredSlots.isEmpty {
            lines.append("[OK] All \(HashSlot.count) slots covered.")
        } else {
            lines.append("[ERR] Not all \(HashSlot.count) slots are covered by nodes: \(report.uncoveredSlots.count) uncovered (\(report.uncoveredSlots.ranges.map(\.description).joined(separator: ","))).")
        }
        if let owners = report.multipleOwners {
            lines.append(">>> Check for multiple slot owners...")
            for entry in owners {
                lines.append("[WARNING] Slot \(entry.slot) has \(entry.ownerIDs.count) owners:")
                for id in entry.ownerIDs {
                    lines.append("    \(snapshot.node(id: id).map { "\($0.address)" } ?? id)")
                }
            }
        }
        // Every finding once more, each with what to do about it.
        if !report.findings.isEmpty {
            lines.append(">>> Findings...")
            lines += report.findings.map { "[\($0.severity == .error ? "ERR" : "WARNING")] \($0.message)" }
        }
        let errors = report.findings.filter { $0.severity == .error }.count
        lines.append(errors == 0 ? "[OK] Cluster is healthy."
                                 : "[ERR] \(errors) problem(s) found.")
        return lines
    }

    static func nodeLines(_ node: ObservedNode, in snapshot: ClusterSnapshot) -> [String] {
        let current = node.current
        let roleFlags = current.flags.filter { $0 != .myself }.map(\.rawValue).joined(separator: ",")
        let ranges = node.slotRanges.map { "[\($0)]" }.joined(separator: ",")
        var lines = ["\(node.isMaster ? "M" : "S"): \(node.id) \(node.address)",
                     "   slots:\(ranges) (\(node.slots.count) slots) \(roleFlags)"]
        if node.isMaster {
            let replicas = snapshot.replicas(of: node).count
            if replicas > 0 { lines.append("   \(replicas) additional replica(s)") }
        } else if let master = node.masterID {
            lines.append("   replicates \(master)")
        }
        if let failure = node.failure {
            lines.append("   unreachable: \(failure)")
        }
        return lines
    }
}
