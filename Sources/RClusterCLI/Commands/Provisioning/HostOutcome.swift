import Provisioning

/// How one host ended a deploy, for the recap.
enum HostOutcome: Sendable {
    case ok
    case changed(Int)
    case unreachable(String)
    case blocked([String])
    case failed(String)

    var isFailure: Bool {
        switch self {
        case .ok, .changed: return false
        case .unreachable, .blocked, .failed: return true
        }
    }

    var word: String {
        switch self {
        case .ok: return "ok"
        case .changed: return "changed"
        case .unreachable: return "unreachable"
        case .blocked: return "blocked"
        case .failed: return "failed"
        }
    }
}

/// The last lines of a deploy: one per host, like Ansible's PLAY RECAP.
enum DeployRecap {
    static func lines(_ outcomes: [(host: InventoryHost, outcome: HostOutcome)]) -> [String] {
        let width = outcomes.map { $0.host.name.count + $0.host.address.count + 3 }.max() ?? 0
        var lines = [">>> Recap"]
        for (host, outcome) in outcomes {
            let label = "\(host.name) (\(host.address))".padding(toLength: width, withPad: " ", startingAt: 0)
            var line = "\(label)  \(outcome.word)"
            if case .changed(let count) = outcome { line += " (\(count) change\(count == 1 ? "" : "s"))" }
            if case .unreachable(let reason) = outcome { line += ": \(reason)" }
            if case .failed(let reason) = outcome { line += ": \(reason)" }
            if case .blocked(let reasons) = outcome { line += ": \(reasons.count) problem\(reasons.count == 1 ? "" : "s") (above)" }
            lines.append(line)
        }
        return lines
    }
}
