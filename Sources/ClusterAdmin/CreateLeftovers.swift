import ClusterModel
import RedisClient

/// What a failed `create` left on each node, read back from the nodes
/// themselves (not from what create believes it did: a command may have
/// landed although its reply was lost), and the way back: CLUSTER RESET HARD,
/// which drops slots, peers and epochs so the next create starts afresh.
public struct CreateLeftovers: Sendable {
    public enum State: Sendable, Equatable {
        /// Nothing of the attempt is left on it.
        case untouched
        /// Slots, peers, an epoch or a master: partial cluster state.
        case partial(String)
        case unreachable(String)
        /// It held these facts and was reset.
        case reset(String)
        case resetFailed(String)
    }

    public struct Node: Sendable {
        public let address: NodeAddress
        public let state: State

        /// A command a user can run by hand to reset this node.
        public var resetCommand: String {
            let host = address.host.contains(":") ? "'\(address.host)'" : address.host
            return "redis-cli -h \(host) -p \(address.port) CLUSTER RESET HARD"
        }

        public var needsReset: Bool {
            switch state {
            case .partial, .unreachable, .resetFailed: true
            case .untouched, .reset: false
            }
        }
    }

    let session: NodeSession

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
    }

    public func survey(_ addresses: [NodeAddress]) async -> [Node] {
        await forEach(addresses) { address in
            do throws(ClusterAdminError) {
                return Node(address: address, state: Self.describe(try await session.clusterNodes(address)))
            } catch {
                return Node(address: address, state: .unreachable(error.description))
            }
        }
    }

    /// Resets the nodes that hold partial state and answer; the rest keep their state.
    public func reset(_ nodes: [Node]) async -> [Node] {
        await forEach(nodes.map(\.address)) { address in
            let node = nodes.first { $0.address == address }!
            guard case .partial(let facts) = node.state else { return node }
            do throws(ClusterAdminError) {
                try await session.runOnEach([(address, [["CLUSTER", "RESET", "HARD"]])])
                return Node(address: address, state: .reset(facts))
            } catch {
                return Node(address: address, state: .resetFailed(error.description))
            }
        }
    }

    static func describe(_ view: [ClusterNodeEntry]) -> State {
        guard let myself = view.first(where: \.isMyself) else { return .partial("its CLUSTER NODES has no myself line") }
        var facts: [String] = []
        if !myself.slotRanges.isEmpty {
            facts.append("serves slots \(myself.slotRanges.map(\.description).joined(separator: ","))")
        }
        if let master = myself.masterID, myself.isReplica { facts.append("replicates \(master.prefix(8))...") }
        if myself.configEpoch > 0 { facts.append("config epoch \(myself.configEpoch)") }
        let peers = view.count - 1
        if peers > 0 { facts.append("knows \(peers) other node(s)") }
        return facts.isEmpty ? .untouched : .partial(facts.joined(separator: ", "))
    }

    private func forEach(_ addresses: [NodeAddress], _ body: @Sendable @escaping (NodeAddress) async -> Node) async -> [Node] {
        await withTaskGroup(of: Node.self) { group in
            for address in addresses { group.addTask { await body(address) } }
            var byAddress: [NodeAddress: Node] = [:]
            for await node in group { byAddress[node.address] = node }
            return addresses.map { byAddress[$0]! }
        }
    }
}
