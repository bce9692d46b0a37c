import ClusterAdmin
import Planner

/// A create plan in the reference's words, plus the seed and anti-affinity
/// reasons rcluster adds.
enum LayoutText {
    static func lines(_ layout: ClusterLayout, nodes: [ProbedNode]) -> [String] {
        let byAddress = Dictionary(uniqueKeysWithValues: nodes.map { ($0.address, $0) })
        var lines = [">>> Performing hash slots allocation on \(layout.nodeCount) nodes..."]
        for (index, master) in layout.masters.enumerated() {
            lines.append("Master[\(index)] -> Slots \(master.slots.first) - \(master.slots.last)")
        }
        for replica in layout.replicas {
            lines.append("Adding replica \(replica.node.address) to \(layout.masters[replica.master].node.address)")
        }
        lines += antiAffinityLines(layout.antiAffinity)
        let role = Dictionary(uniqueKeysWithValues:
            layout.masters.map { ($0.node.address, Role.master($0)) } + layout.replicas.map { ($0.node.address, Role.replica($0)) })
        for node in nodes {
            switch role[node.address] {
            case .master(let master):
                lines.append("M: \(node.id) \(node.address)")
                lines.append("   slots:[\(master.slots)] (\(master.slots.count) slots) master")
            case .replica(let replica):
                lines.append("S: \(node.id) \(node.address)")
                lines.append("   replicates \(byAddress[layout.masters[replica.master].node.address]?.id ?? "?")")
            case nil:
                lines.append("M: \(node.id) \(node.address)")
                lines.append("   slots: (0 slots) master (no slots: more nodes than masters x (replicas + 1))")
            }
        }
        lines.append(">>> Layout seed \(layout.seed): add --seed \(layout.seed) to reproduce this plan.")
        return lines
    }

    private enum Role {
        case master(ClusterLayout.Master)
        case replica(ClusterLayout.Replica)
    }

    static func antiAffinityLines(_ report: AntiAffinityReport) -> [String] {
        guard !report.isPerfect else { return ["[OK] Perfect anti-affinity obtained!"] }
        var lines: [String] = []
        if !report.replicasWithTheirMaster.isEmpty {
            lines.append("[WARNING] Some slaves are in the same host as their master")
        }
        if !report.replicasSharingAHost.isEmpty {
            lines.append("[WARNING] Some slaves of the same master are in the same host")
        }
        for problem in report.problems {
            switch problem.kind {
            case .sameHostAsMaster:
                lines.append("   \(problem.replica.address) replicates \(problem.master.address) on the same host \(problem.domain)")
            case .sameHostAsSiblingReplica:
                lines.append("   \(problem.replica.address) shares host \(problem.domain) with another replica of \(problem.master.address)")
            case .sameZoneAsMaster:
                lines.append("   \(problem.replica.address) is in the same zone \(problem.domain) as its master \(problem.master.address)")
            }
        }
        lines += report.reasons.map { "   why: \($0)" }
        return lines
    }
}
