import ClusterModel
import RedisClient
import RESP

/// Reads a cluster from one node: the entry node's CLUSTER NODES names the
/// members, then every member is asked for its own view and key count, all
/// at once, each bounded by the connection timeouts.
public struct ClusterLoader: Sendable {
    public let options: RedisConnectionOptions

    public init(options: RedisConnectionOptions) {
        self.options = options
    }

    public func load(from entryAddress: NodeAddress) async throws(ClusterAdminError) -> ClusterSnapshot {
        let entryRead: NodeRead
        do {
            entryRead = try await read(entryAddress)
        } catch let error as ClusterAdminError {
            throw error
        } catch let error as RedisClientError {
            throw .client(error)
        } catch {
            throw .client(.connectionClosed(entryAddress))
        }
        guard let myself = entryRead.view.first(where: \.isMyself) else { throw .noMyselfLine(entryAddress) }
        let others = entryRead.view.filter { !$0.isMyself }

        let observed = await withTaskGroup(of: (Int, ObservedNode).self) { group in
            for (index, listed) in others.enumerated() {
                group.addTask { (index, await self.observe(listed)) }
            }
            var results = [ObservedNode?](repeating: nil, count: others.count)
            for await (index, node) in group { results[index] = node }
            return results.compactMap { $0 }
        }
        let entry = ObservedNode(listed: myself, address: entryAddress, ownView: entryRead.view,
                                 keyCount: entryRead.keyCount, failure: nil)
        return ClusterSnapshot(entryAddress: entryAddress, nodes: [entry] + observed)
    }

    private func observe(_ listed: ClusterNodeEntry) async -> ObservedNode {
        let address = listed.address
        guard !listed.ip.isEmpty, !listed.has(.noAddress) else {
            return ObservedNode(listed: listed, address: address, ownView: nil, keyCount: nil,
                                failure: "the cluster knows no address for it (noaddr)")
        }
        do {
            let result = try await read(address)
            return ObservedNode(listed: listed, address: address, ownView: result.view,
                                keyCount: result.keyCount, failure: nil)
        } catch {
            return ObservedNode(listed: listed, address: address, ownView: nil, keyCount: nil,
                                failure: "\(error)")
        }
    }

    private struct NodeRead {
        let view: [ClusterNodeEntry]
        let keyCount: Int
    }

    private func read(_ address: NodeAddress) async throws -> NodeRead {
        let connection = try await RedisConnection.connect(to: address, options: options)
        defer { Task { await connection.close() } }
        let replies = try await connection.pipeline([["CLUSTER", "NODES"], ["DBSIZE"]])
        let nodesText: String
        switch replies[0] {
        case .failure(let error) where error.message.contains("cluster support disabled"):
            throw ClusterAdminError.notClusterNode(address)
        case .failure(let error):
            throw RedisClientError.server(address, error)
        case .success(let reply):
            guard let text = reply.string else {
                throw RedisClientError.unexpectedReply(address, command: "CLUSTER NODES", reply: "\(reply)")
            }
            nodesText = text
        }
        let view: [ClusterNodeEntry]
        do {
            view = try ClusterNodesText.parse(nodesText)
        } catch {
            throw ClusterAdminError.unreadableClusterNodes(address, error)
        }
        let keyCount = try replies[1].get(address: address).int ?? 0
        return NodeRead(view: view, keyCount: Int(keyCount))
    }
}
