/// What this node knows of one node of the cluster (itself included):
/// redis-server's clusterNode. A class, as there: the slot table, masters'
/// replica lists and links point at the same node.
final class ClusterNode {
    var id: String
    var flags: ClusterNodeFlags
    /// When this node learned of it (Unix ms): handshakes time out from here.
    let createdAt: Int64
    var configEpoch: UInt64 = 0
    var slots = SlotBitmap()
    var slotCount = 0
    weak var master: ClusterNode?
    var replicas: [ClusterNode] = []
    /// Unix ms; 0 when no ping is in flight / none received yet.
    var pingSent: Int64 = 0
    var pongReceived: Int64 = 0
    var dataReceived: Int64 = 0
    var failTime: Int64 = 0
    /// When this node (a master) last voted for one of its replicas' elections.
    var votedTime: Int64 = 0
    /// Since when this master has had no working replica (0: it has one), for replica migration.
    var orphanedSince: Int64 = 0
    var replicationOffset: Int64 = 0
    var ip = ""
    var hostname = ""
    var port = 0
    var plaintextPort = 0
    var busPort = 0
    /// Reporting master -> when it last said this node is failing.
    var failureReports: [ObjectIdentifier: (reporter: ClusterNode, time: Int64)] = [:]
    /// The link this node opened to it (outbound) and the one it opened here.
    var outboundLink: Int?
    var inboundLink: Int?
    /// The gossip round this node last went into (clusterSendPing's dedupe).
    var lastGossipRound: UInt64 = 0

    init(id: String, flags: ClusterNodeFlags, createdAt: Int64) {
        self.id = id
        self.flags = flags
        self.createdAt = createdAt
    }

    var isMaster: Bool { flags.contains(.master) }
    var isReplica: Bool { flags.contains(.replica) }
    var isMyself: Bool { flags.contains(.myself) }
    var inHandshake: Bool { flags.contains(.handshake) }
    var hasFailed: Bool { flags.contains(.failing) }
    var timedOut: Bool { flags.contains(.possiblyFailing) }

    /// The config epoch a CLUSTER NODES line and a bus header show: a
    /// replica shows its master's.
    var effectiveConfigEpoch: UInt64 {
        if isReplica, let master { return master.configEpoch }
        return configEpoch
    }

    /// clusterCountNonFailingSlaves.
    var workingReplicaCount: Int { replicas.filter { !$0.hasFailed }.count }

    func addReplica(_ replica: ClusterNode) {
        guard !replicas.contains(where: { $0 === replica }) else { return }
        replicas.append(replica)
        flags.insert(.migrateTo)
    }

    func removeReplica(_ replica: ClusterNode) {
        replicas.removeAll { $0 === replica }
        if replicas.isEmpty { flags.remove(.migrateTo) }
    }
}
