import ClusterModel
import RedisClient

/// Each node's own word on its role, for status displays: "master (5461
/// slots)", "replica of HOST:PORT", or nothing for a node that does not answer.
public enum NodeRoles {
    public static func read(_ addresses: [NodeAddress], options: RedisConnectionOptions) async -> [NodeAddress: String] {
        let session = NodeSession(options: options)
        return await withTaskGroup(of: (NodeAddress, String?).self) { group in
            for address in addresses {
                group.addTask {
                    let view = await Result(catching: { () async throws(ClusterAdminError) in try await session.clusterNodes(address) })
                    guard case .success(let entries) = view, let myself = entries.first(where: \.isMyself) else { return (address, nil) }
                    if myself.isMaster { return (address, "master (\(myself.slots.count) slots)") }
                    let master = entries.first { $0.id == myself.masterID }
                    return (address, master.map { "replica of \($0.address)" } ?? "replica")
                }
            }
            var roles: [NodeAddress: String] = [:]
            for await (address, role) in group { if let role { roles[address] = role } }
            return roles
        }
    }
}
