import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Runs one command on many nodes at once (`rcluster call`).
public struct NodeCommandRunner: Sendable {
    public enum Target: String, Sendable { case all, masters, replicas }

    public struct Outcome: Sendable {
        public let node: ObservedNode
        public let result: Result<RESPValue, RedisClientError>
    }

    public let options: RedisConnectionOptions

    public init(options: RedisConnectionOptions) {
        self.options = options
    }

    /// Outcomes in the snapshot's node order; nodes that could not be read
    /// during loading are still tried, so the user sees each one's fate.
    public func run(_ arguments: [String], on snapshot: ClusterSnapshot, target: Target) async -> [Outcome] {
        let nodes = snapshot.nodes.filter { node in
            guard !node.listed.has(.handshake) else { return false }
            switch target {
            case .all: return true
            case .masters: return node.isMaster
            case .replicas: return node.isReplica
            }
        }
        return await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask { (index, Outcome(node: node, result: await self.call(arguments, at: node.address))) }
            }
            var outcomes = [Outcome?](repeating: nil, count: nodes.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
    }

    private func call(_ arguments: [String], at address: NodeAddress) async -> Result<RESPValue, RedisClientError> {
        do {
            let connection = try await RedisConnection.connect(to: address, options: options)
            defer { Task { await connection.close() } }
            return .success(try await connection.send(arguments))
        } catch {
            return .failure(error)
        }
    }
}
