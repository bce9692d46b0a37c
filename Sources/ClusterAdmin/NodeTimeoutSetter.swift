import ClusterModel
import RedisClient

/// `set-timeout`: cluster-node-timeout on every node, saved with CONFIG REWRITE.
public struct NodeTimeoutSetter: Sendable {
    public enum Outcome: Sendable {
        case saved
        /// Live, but CONFIG REWRITE failed (e.g. the node runs without a config file).
        case notSaved(String)
        case failed(ClusterAdminError)
    }

    let session: NodeSession

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
    }

    /// One result per node of the snapshot, in order.
    public func apply(milliseconds: Int, to snapshot: ClusterSnapshot) async -> [(node: ObservedNode, result: Outcome)] {
        let nodes = snapshot.nodes.filter { !$0.listed.has(.handshake) }
        return await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask { (index, await self.apply(milliseconds, at: node.address)) }
            }
            var results = [Outcome?](repeating: nil, count: nodes.count)
            for await (index, result) in group { results[index] = result }
            return zip(nodes, results.map { $0! }).map { ($0, $1) }
        }
    }

    private func apply(_ milliseconds: Int, at address: NodeAddress) async -> Outcome {
        let outcome = await Result(catching: { () async throws(ClusterAdminError) in
            try await session.with(address) { connection throws(RedisClientError) -> Outcome in
                try await connection.send(["CONFIG", "SET", "cluster-node-timeout", "\(milliseconds)"])
                if case .failure(let error) = try await connection.pipeline([["CONFIG", "REWRITE"]])[0] {
                    return .notSaved(error.message)
                }
                return .saved
            }
        })
        switch outcome {
        case .success(let result): return result
        case .failure(let error): return .failed(error)
        }
    }
}
