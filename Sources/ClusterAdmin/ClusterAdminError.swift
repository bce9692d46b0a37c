import ClusterModel
import RedisClient

/// Why an operation could not start or finish, with what to do about it.
public enum ClusterAdminError: Error, Sendable, CustomStringConvertible {
    case client(RedisClientError)
    case notClusterNode(NodeAddress)
    case unreadableClusterNodes(NodeAddress, ClusterNodesParseError)
    case noMyselfLine(NodeAddress)

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
        }
    }
}
