import ClusterModel
import RedisClient

/// Restarts one node of a live cluster without losing its slots' service:
/// a master first hands its role to an in-sync replica (CLUSTER FAILOVER,
/// the coordinated kind that loses no write), then the node is restarted by
/// the caller, then we wait until it is back in the cluster and, as a
/// replica, synced again. Call it for one node at a time.
public struct RollingRestart: Sendable {
    public enum Event: Sendable {
        case failedOver(from: NodeAddress, to: NodeAddress)
        /// The restarted node took its master role back, so the planned
        /// layout (one master per host) holds after the restart.
        case failedBack(NodeAddress)
        case noReplicaToFailOver(NodeAddress)
        case restarted(NodeAddress)
        case back(NodeAddress, role: String)
    }

    let session: NodeSession
    let options: RedisConnectionOptions
    let clock = ContinuousClock()
    let pollInterval: Duration = .milliseconds(100)

    public init(options: RedisConnectionOptions) {
        self.options = options
        session = NodeSession(options: options)
    }

    public func restart(_ address: NodeAddress, timeout: Duration,
                        restartNode: @Sendable () async throws -> Void,
                        events: (Event) -> Void = { _ in }) async throws {
        let snapshot = try await ClusterLoader(options: options).load(from: address)
        let myself = snapshot.entry
        var standIn: NodeAddress?
        if myself.isMaster && !myself.slots.isEmpty {
            let replicas = snapshot.replicas(of: myself).filter { $0.isReachable && !$0.current.flags.contains(.failing) }
            if let replica = replicas.first {
                try await failOver(to: replica.address, from: address, timeout: timeout)
                standIn = replica.address
                events(.failedOver(from: address, to: replica.address))
            } else {
                events(.noReplicaToFailOver(address))
            }
        }
        try await restartNode()
        events(.restarted(address))
        let role = try await waitUntilBack(address, timeout: timeout)
        events(.back(address, role: role))
        if let standIn, role == "replica" {
            try await failOver(to: address, from: standIn, timeout: timeout)
            events(.failedBack(address))
        }
    }

    private func failOver(to replica: NodeAddress, from master: NodeAddress, timeout: Duration) async throws(ClusterAdminError) {
        try await waitUntil("the replica \(replica) of \(master) to be in sync", timeout: timeout) { () async throws(ClusterAdminError) in
            let info = try await session.text(replica, ["INFO", "replication"])
            return info.contains("master_link_status:up")
        }
        _ = try await session.text(replica, ["CLUSTER", "FAILOVER"])
        try await waitUntil("\(replica) to take over from \(master)", timeout: timeout) { () async throws(ClusterAdminError) in
            let replicaView = try await session.clusterNodes(replica)
            let masterView = try await session.clusterNodes(master)
            return replicaView.first(where: \.isMyself)?.isMaster == true && masterView.first(where: \.isMyself)?.isReplica == true
        }
    }

    /// Back means: answers, sees cluster_state:ok, and as a replica has its link up.
    private func waitUntilBack(_ address: NodeAddress, timeout: Duration) async throws(ClusterAdminError) -> String {
        var role = "?"
        try await waitUntil("\(address) to rejoin after its restart", timeout: timeout) { () async throws(ClusterAdminError) in
            let cluster = try await session.text(address, ["CLUSTER", "INFO"])
            guard cluster.contains("cluster_state:ok") else { return false }
            let replication = try await session.text(address, ["INFO", "replication"])
            if replication.contains("role:slave") {
                role = "replica"
                return replication.contains("master_link_status:up")
            }
            role = "master"
            return true
        }
        return role
    }

    private func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws(ClusterAdminError) -> Bool) async throws(ClusterAdminError) {
        let deadline = clock.now.advanced(by: timeout)
        var lastError: ClusterAdminError?
        while clock.now < deadline {
            do {
                if try await condition() { return }
                lastError = nil
            } catch {
                lastError = error  // a restarting node refuses connections for a while
            }
            try? await clock.sleep(for: pollInterval)
        }
        let detail = lastError.map { ["Last error: \($0)"] } ?? []
        throw .convergenceTimedOut(what: "Waiting for \(what)", seconds: Double(timeout.components.seconds), diagnosis: detail)
    }
}
