/// Faults a node shows on demand (`rcluster local partition|heal|slow`,
/// through DEBUG FAULT), so that an application's developer can watch it
/// survive them without iptables, tc or root.
public struct FaultInjection: Sendable, Equatable {
    /// Node IDs this node no longer hears or talks to: their bus messages
    /// are dropped unread and none are sent to them (as a silent firewall
    /// would), and replication links to and from them are cut and refused.
    public var partitionedFrom: Set<String> = []
    /// Added to every reply to a client, in milliseconds.
    public var replyDelayMilliseconds = 0

    public init() {}

    public func isPartitioned(from nodeID: String) -> Bool {
        !partitionedFrom.isEmpty && partitionedFrom.contains(nodeID)
    }
}

extension NodeEngine {
    /// Whether `host:port` is a node this node is partitioned from, for the
    /// replication links (which know addresses, not node IDs).
    func isPartitioned(fromAddress host: String, port: Int) -> Bool {
        guard !faults.partitionedFrom.isEmpty, let cluster else { return false }
        return faults.partitionedFrom.contains { id in
            guard let node = cluster.node(id) else { return false }
            return node.port == port && (node.ip == host || (host == "localhost" && node.ip == "127.0.0.1"))
        }
    }

    /// Sets whom this node is partitioned from. The bus links to nodes it
    /// hears again are cut: a message dropped on them is gone (a real
    /// partition's TCP would retransmit it), and a peer would wait forever
    /// for the PONG to a lost PING; new links greet afresh. A new partition
    /// cuts what it now forbids: the link to a partitioned master and the
    /// links of its partitioned replicas.
    func partition(from ids: Set<String>) {
        let healed = faults.partitionedFrom.subtracting(ids)
        faults.partitionedFrom = ids
        for id in healed {
            if let node = cluster?.node(id) { freeLinks(of: node) }
        }
        if let master = replication.master, master.state != .connect,
           isPartitioned(fromAddress: master.host, port: master.port) {
            log(.notice, "Partitioned from MASTER \(master.host):\(master.port): link cut (DEBUG FAULT)")
            dropMasterLink()
        }
        for replica in replication.replicas where isPartitioned(fromReplica: replica) {
            replica.closeAfterReply = true
            replica.wake?()
        }
    }

    func isPartitioned(fromReplica client: ClientSession) -> Bool {
        guard let link = client.replicaLink else { return false }
        return isPartitioned(fromAddress: link.announcedIP ?? Self.ip(of: client), port: link.listeningPort)
    }
}
