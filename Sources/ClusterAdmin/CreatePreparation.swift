import ClusterModel
import Planner

/// Turns probe results into planner input, refusing anything that would make
/// a half-built cluster: unreachable, non-cluster or non-empty nodes, and one
/// node given twice under two names.
public enum CreatePreparation {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let problems: [String]
        public var description: String {
            (["cannot create the cluster; nothing was changed:"] + problems.map { "  - \($0)" }).joined(separator: "\n")
        }
    }

    public static func readyNodes(_ results: [Result<ProbedNode, ClusterAdminError>],
                                  addresses: [NodeAddress]) throws(Refusal) -> [ProbedNode] {
        var problems: [String] = []
        var ready: [ProbedNode] = []
        var seenIDs: [String: NodeAddress] = [:]
        for (address, result) in zip(addresses, results) {
            switch result {
            case .failure(let error):
                problems.append("\(address): \(error.description.replacingPrefix("\(address): ", with: ""))")
            case .success(let node):
                problems += node.problems.map { "\(address): \($0)" }
                if let twin = seenIDs[node.id] {
                    problems.append("\(address) and \(twin) are the same node (ID \(node.id.prefix(8))...); list it once")
                }
                seenIDs[node.id] = address
                ready.append(node)
            }
        }
        guard problems.isEmpty else { throw Refusal(problems: problems) }
        return ready
    }

    /// Failure domains: the host is the IP rcluster reached (so a hostname and
    /// its IP are one host) unless overridden; zones are looked up by host.
    public static func plannerNodes(_ nodes: [ProbedNode], hostOf: [NodeAddress: String],
                                    zoneOf: [String: String]) -> [PlannerNode] {
        nodes.map { node in
            let host = hostOf[node.address] ?? hostOf[node.meetAddress] ?? node.ip
            return PlannerNode(address: node.address, host: host, zone: zoneOf[host])
        }
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
