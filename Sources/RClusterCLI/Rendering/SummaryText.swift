import ClusterAdmin
import Foundation

/// The per-master summary, in the reference's words ("-> K keys | S slots | R slaves.").
enum SummaryText {
    static func lines(_ summary: ClusterSummary) -> [String] {
        var lines = summary.masters.map { line in
            let keys = line.keys.map { "\($0) keys" } ?? "unreachable"
            return "\(line.node.address) (\(line.node.shortID)...) -> \(keys) | \(line.slots) slots | \(line.replicas) slaves."
        }
        let answered = summary.masters.count - summary.unreachableMasters.count
        lines.append("[OK] \(summary.totalKeys) keys in \(answered) masters.")
        if !summary.unreachableMasters.isEmpty {
            let names = summary.unreachableMasters.map { "\($0.node.address)" }.joined(separator: ", ")
            lines.append("[WARNING] \(summary.unreachableMasters.count) master(s) did not answer (\(names)): their keys are not counted.")
        }
        lines.append(String(format: "%.2f keys per slot on average.", summary.keysPerSlot))
        return lines
    }
}
