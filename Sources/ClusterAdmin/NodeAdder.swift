import ClusterModel
import RedisClient
import RESP

/// Adds an empty node to a healthy cluster, as a master without slots or as a
/// replica, and waits until every node agrees before it reports success, so a
/// rebalance or a REPLICATE right after cannot race gossip.
public struct NodeAdder: Sendable {
    public enum Role: Sendable {
        case master
        /// A replica of the master with this ID, or of the master with the fewest
        /// replicas (preferring one on another host) when nil.
        case replica(masterID: String?)
    }

    public struct Outcome: Sendable {
        public let node: ProbedNode
        /// The master chosen for a replica.
        public let master: ObservedNode?
        public let automaticallySelected: Bool
    }

    let session: NodeSession
    let probe: NodeProbe
    let agreement: ClusterAgreement

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
        probe = NodeProbe(options: options)
        agreement = ClusterAgreement(options: options)
    }

    public func add(_ newAddress: NodeAddress, to snapshot: ClusterSnapshot, role: Role,
                    timeout: Duration) async throws(ClusterAdminError) -> Outcome {
        let node = try await probe.probe(newAddress)
        if snapshot.node(id: node.id) != nil { throw .refused("\(newAddress) is already a member of this cluster") }
        try ClusterCheck.run(snapshot).requireHealthy(before: "adding a node (nothing was changed; the new node comes first, then any node of the cluster)")
        guard node.problems.isEmpty else {
            throw .refused("\(newAddress) cannot join: " + node.problems.joined(separator: "; "))
        }

        var master: ObservedNode?
        var automatic = false
        if case .replica(let masterID) = role {
            if let masterID {
                let chosen = try snapshot.node(matching: masterID)
                guard chosen.isMaster else { throw .refused("\(masterID) is a replica, not a master (\(chosen.address))") }
                master = chosen
            } else {
                let candidates = snapshot.mastersByReplicaCount
                guard let fewest = candidates.first else { throw .refused("the cluster has no master with slots to replicate") }
                let least = snapshot.replicas(of: fewest).count
                master = candidates.first { snapshot.replicas(of: $0).count == least && $0.address.host != node.ip } ?? fewest
                automatic = true
            }
        } else {
            try await copyFunctions(from: snapshot.entry.address, to: node)
        }

        let members = snapshot.nodes.filter { $0.isReachable && !$0.listed.has(.handshake) }
        let meets = members.map { ["CLUSTER", "MEET", $0.current.ip.isEmpty ? $0.address.host : $0.current.ip,
                                   "\($0.address.port)", "\($0.current.busPort)"] }
        try await session.runOnEach([(newAddress, meets)])
        let everyone = members.map(\.address) + [newAddress]
        let ids = members.map(\.id) + [node.id]
        let joined = await agreement.wait(for: everyone, timeout: timeout) { views in
            views.values.allSatisfy { view in Set(ids).isSubset(of: view.filter { !$0.has(.handshake) }.map(\.id)) }
        }
        guard joined.met else {
            let expected = members.map { ProbedNode(address: $0.address, ip: $0.current.ip.isEmpty ? $0.address.host : $0.current.ip,
                                                    id: $0.id, busPort: $0.current.busPort, version: nil, problems: []) } + [node]
            throw .convergenceTimedOut(what: "\(newAddress) joining the cluster", seconds: timeout.seconds,
                                       diagnosis: await JoinDiagnosis.explain(expected: expected, views: joined.views))
        }
        if master == nil {
            // A new master answers CLUSTERDOWN (and refuses imported keys) until
            // its rejoin delay has passed: report success once it can be used.
            let notOK = await agreement.waitForStateOK([newAddress], timeout: timeout)
            guard notOK.isEmpty else {
                throw .convergenceTimedOut(what: "cluster_state:ok on \(newAddress)", seconds: timeout.seconds,
                                           diagnosis: ["- it joined but still reports cluster_state:fail; see CLUSTER INFO on it"])
            }
        }
        if let master {
            try await session.runOnEach([(newAddress, [["CLUSTER", "REPLICATE", master.id]])])
            // Meeting the members again tells each of them the new role at once.
            try await session.runOnEach([(newAddress, meets)])
            let attached = await agreement.wait(for: everyone, timeout: timeout) { views in
                views.values.allSatisfy { view in
                    view.contains { $0.id == node.id && $0.isReplica && $0.masterID == master.id }
                }
            }
            guard attached.met else {
                throw .convergenceTimedOut(what: "every node seeing \(newAddress) as a replica of \(master.address)",
                                           seconds: timeout.seconds, diagnosis: [])
            }
        }
        return Outcome(node: node, master: master, automaticallySelected: automatic)
    }

    /// A new master must serve the cluster's functions (as the reference does):
    /// FUNCTION DUMP from the cluster, FUNCTION RESTORE onto the new node.
    /// Servers before 7.0 have no functions to copy.
    private func copyFunctions(from source: NodeAddress, to node: ProbedNode) async throws(ClusterAdminError) {
        guard try await session.version(source)?.supports(.functions) ?? true else { return }
        let target = node.address
        let dump = try await session.with(source) { connection throws(RedisClientError) in
            try await connection.send(["FUNCTION", "DUMP"])
        }
        guard case .bulkString(let payload) = dump, payload.readableBytes > 0 else { return }
        if let version = node.version, let refusal = version.refusal(.functions, node: "\(target)") {
            throw .refused("the cluster has functions loaded and \(refusal); add a node that can serve them")
        }
        let existing = try await session.with(target) { connection throws(RedisClientError) in
            try await connection.send(["FUNCTION", "LIST"])
        }
        if let libraries = existing.elements, !libraries.isEmpty {
            throw .refused("\(target) already has functions loaded; FUNCTION FLUSH it first")
        }
        _ = try await session.with(target) { connection throws(RedisClientError) in
            try await connection.send([.init(string: "FUNCTION"), .init(string: "RESTORE"), payload])
        }
    }
}
