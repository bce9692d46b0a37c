import ClusterModel
import RedisClient
import RESP

/// What rcluster learns about a node before it may join it to a cluster.
public struct ProbedNode: Sendable, Hashable {
    public let address: NodeAddress
    /// The IP rcluster reached it at (hostnames resolved), used for CLUSTER MEET.
    public let ip: String
    public let id: String
    public let busPort: Int
    /// From INFO server; nil when the node reports no version rcluster can read.
    public let version: ServerVersion?
    /// Why it cannot join a new cluster; empty when it can.
    public let problems: [String]

    /// The address other nodes are told to MEET.
    public var meetAddress: NodeAddress { NodeAddress(host: ip, port: address.port) }
}

/// Checks nodes are reachable, cluster-enabled and empty, all at once, so a
/// user learns every problem in one go instead of one per attempt.
public struct NodeProbe: Sendable {
    let session: NodeSession

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
    }

    public func probe(_ addresses: [NodeAddress]) async -> [Result<ProbedNode, ClusterAdminError>] {
        await withTaskGroup(of: (Int, Result<ProbedNode, ClusterAdminError>).self) { group in
            for (index, address) in addresses.enumerated() {
                group.addTask { (index, await Result(catching: { () async throws(ClusterAdminError) in try await self.probe(address) })) }
            }
            var results = [Result<ProbedNode, ClusterAdminError>?](repeating: nil, count: addresses.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    func probe(_ address: NodeAddress) async throws(ClusterAdminError) -> ProbedNode {
        let replies = try await session.with(address) { connection throws(RedisClientError) in
            let replies = try await connection.pipeline([["INFO", "server"], ["INFO", "cluster"], ["INFO", "keyspace"]])
            var info: [String: String] = [:]
            for reply in replies { info.merge(try reply.get(address: address).infoFields) { $1 } }
            guard info["cluster_enabled"] == "1" else { return (info, [RESPValue](), connection.remoteIP) }
            let cluster = try await connection.pipeline([["CLUSTER", "INFO"], ["CLUSTER", "NODES"]])
            return (info, [try cluster[0].get(address: address), try cluster[1].get(address: address)], connection.remoteIP)
        }
        let (info, clusterReplies, remoteIP) = replies
        guard info["cluster_enabled"] == "1" else { throw .notClusterNode(address) }
        let clusterInfo = clusterReplies[0].infoFields
        let entries: [ClusterNodeEntry]
        do {
            entries = try ClusterNodesText.parse(clusterReplies[1].string ?? "")
        } catch {
            throw .unreadableClusterNodes(address, error)
        }
        guard let myself = entries.first(where: \.isMyself) else { throw .noMyselfLine(address) }

        var problems: [String] = []
        if let keys = info.first(where: { $0.key.hasPrefix("db") && $0.value.hasPrefix("keys=") }) {
            problems.append("it holds keys (\(keys.key): \(keys.value)); flush it or pick an empty node")
        }
        if let known = Int(clusterInfo["cluster_known_nodes"] ?? "1"), known > 1 {
            problems.append("it already knows \(known - 1) other node(s) (see CLUSTER NODES); run CLUSTER RESET on it if it should start afresh")
        }
        if !myself.slotRanges.isEmpty {
            problems.append("it already serves \(myself.slots.count) slot(s)")
        }
        return ProbedNode(address: address, ip: remoteIP ?? address.host, id: myself.id,
                          busPort: myself.busPort, version: ServerVersion(info: info), problems: problems)
    }
}
