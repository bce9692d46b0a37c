import Provisioning

/// The plan as the user reads it before saying yes: per host, what changes.
enum DeployPlanText {
    static func lines(_ plans: [HostPlan], diff: Bool, observed: [String: ObservedHost]) -> [String] {
        var lines: [String] = []
        for plan in plans {
            let title = "\(plan.host.name) (\(plan.host.address)), \(plan.nodes.count) node(s)"
            if plan.isUnchanged {
                lines.append("\(title): no changes")
                continue
            }
            lines.append("\(title):")
            for blocker in plan.blockers { lines.append("  [ERR] \(blocker)") }
            for action in plan.actions {
                lines.append("  - \(action)")
                if diff, case .writeConfig(let port, false) = action,
                   let node = plan.nodes.first(where: { $0.port == port }),
                   let old = observed[plan.host.name]?.configs[port] {
                    lines += configDiff(old: old, new: node.config).map { "      \($0)" }
                }
            }
        }
        return lines
    }

    /// Changed lines of redis.conf, with passwords masked.
    static func configDiff(old: String, new: String) -> [String] {
        let before = old.split(separator: "\n").map(String.init)
        let after = new.split(separator: "\n").map(String.init)
        let removed = before.filter { !after.contains($0) }.map { "- " + masked($0) }
        let added = after.filter { !before.contains($0) }.map { "+ " + masked($0) }
        return removed + added
    }

    static func masked(_ line: String) -> String {
        for secret in ["requirepass ", "masterauth "] where line.hasPrefix(secret) { return secret + "********" }
        return line
    }
}
