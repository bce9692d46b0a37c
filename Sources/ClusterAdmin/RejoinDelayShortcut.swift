import ClusterModel
import RedisClient

/// A master reports cluster_state:ok only after its rejoin delay
/// (cluster-node-timeout clamped to 0.5-5 s, 5 s at the default 15000)
/// counted from when it took its slots: a guard for a master coming back from
/// a partition with a stale configuration, which the masters of a cluster
/// being created cannot have. So during create each node's
/// cluster-node-timeout is lowered to 500 ms, the shortest rejoin delay, and
/// put back to the node's own value once the cluster is up, whatever happened.
/// Nodes that refuse CONFIG (renamed command, ACL) keep their timeout and
/// their full delay.
struct RejoinDelayShortcut: Sendable {
    static let createTimeoutMilliseconds = 500

    let session: NodeSession

    /// Lowers the timeout where it is higher; returns each changed node's original value.
    func lower(_ addresses: [NodeAddress]) async -> [NodeAddress: String] {
        await withTaskGroup(of: (NodeAddress, String?).self) { group in
            for address in addresses {
                group.addTask {
                    let outcome = await Result(catching: { () async throws(ClusterAdminError) -> String? in
                        try await session.with(address) { connection throws(RedisClientError) -> String? in
                            let reply = try await connection.send(["CONFIG", "GET", "cluster-node-timeout"])
                            guard let values = reply.elements, values.count == 2, let text = values[1].string,
                                  let original = Int(text), original > Self.createTimeoutMilliseconds else { return nil }
                            _ = try await connection.send(["CONFIG", "SET", "cluster-node-timeout", "\(Self.createTimeoutMilliseconds)"])
                            return text
                        }
                    })
                    return (address, (try? outcome.get()) ?? nil)
                }
            }
            var originals: [NodeAddress: String] = [:]
            for await (address, original) in group { if let original { originals[address] = original } }
            return originals
        }
    }

    /// Puts every changed node's timeout back; the nodes where that failed.
    func restore(_ originals: [NodeAddress: String]) async -> [NodeAddress] {
        await withTaskGroup(of: NodeAddress?.self) { group in
            for (address, original) in originals {
                group.addTask {
                    let outcome = await Result(catching: { () async throws(ClusterAdminError) in
                        try await session.runOnEach([(address, [["CONFIG", "SET", "cluster-node-timeout", original]])])
                    })
                    if case .failure = outcome { return address }
                    return nil
                }
            }
            var failed: [NodeAddress] = []
            for await address in group { if let address { failed.append(address) } }
            return failed.sorted()
        }
    }
}
