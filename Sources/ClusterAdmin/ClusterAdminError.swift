import ClusterModel
import Foundation
import RedisClient

/// Why an operation could not start or finish, with what to do about it.
public enum ClusterAdminError: Error, Sendable, CustomStringConvertible {
    case client(RedisClientError)
    case notClusterNode(NodeAddress)
    case unreadableClusterNodes(NodeAddress, ClusterNodesParseError)
    case noMyselfLine(NodeAddress)
    case step(NodeAddress, String, RedisServerError)
    case convergenceTimedOut(what: String, seconds: Double, diagnosis: [String])
    case unknownNode(String)
    case ambiguousNode(String, matches: [String])
    /// A precondition the operation refuses to go past; the text says what to do.
    case refused(String)
    /// Stopped on request (Ctrl-C) at a window boundary: nothing is left open.
    case interrupted

    public var description: String {
        switch self {
        case .client(let error):
            return error.description
        case .notClusterNode(let address):
            return "\(address) is not a cluster node (cluster-enabled is no); start it with cluster-enabled yes"
        case .unreadableClusterNodes(let address, let error):
            return "\(address): cannot read its CLUSTER NODES reply: \(error)"
        case .noMyselfLine(let address):
            return "\(address): its CLUSTER NODES reply has no 'myself' line"
        case .step(let address, let step, let error):
            return "\(address): \(step) failed: \(error.message)"
        case .convergenceTimedOut(let what, let seconds, let diagnosis):
            return (["\(what) did not happen within \(String(format: "%.1f", seconds)) s."] + diagnosis).joined(separator: "\n")
        case .unknownNode(let id):
            return "no node of the cluster has an ID starting with '\(id)'; see rcluster check for the IDs"
        case .ambiguousNode(let id, let matches):
            return "'\(id)' matches several nodes (\(matches.map { String($0.prefix(12)) }.joined(separator: ", "))); give more of the ID"
        case .refused(let reason):
            return reason
        case .interrupted:
            return "stopped on request; every slot in flight was finished and closed"
        }
    }
}
