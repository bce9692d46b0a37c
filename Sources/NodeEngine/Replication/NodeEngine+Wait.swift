import NIOCore

/// WAIT: a client parks until enough replicas acknowledge its last write.
/// Its block asks every replica where it is (REPLCONF GETACK, once per
/// batch), and each ACK re-checks the waiting clients.
extension NodeEngine {
    func replicasAcknowledging(_ offset: Int64) -> Int64 {
        Int64(replication.replicas.filter { ($0.replicaLink?.ackOffset ?? 0) >= offset && $0.replicaLink?.state == .online }.count)
    }

    func blockForReplicas(_ client: ClientSession, wanted: Int64, offset: Int64, deadline: Int64, arguments: Arguments) {
        client.blocked = BlockedCommand(kind: .replicas(wanted: wanted, offset: offset), keys: [], deadline: deadline, arguments: arguments)
        replication.waitingClients.append(client)
        stats.blockedClients += 1
        replication.acknowledgementsWanted = true
        if deadline > 0 { onBlock?(deadline) }
    }

    /// processClientsWaitingReplicas.
    func serveWaitingClients() {
        for client in replication.waitingClients {
            guard case .replicas(let wanted, let offset)? = client.blocked?.kind else { continue }
            let acknowledged = replicasAcknowledging(offset)
            guard acknowledged >= wanted else { continue }
            unblock(client)
            client.reply.integer(acknowledged)
            client.wake?()
        }
    }

    /// beforeSleep's share of replication: one GETACK for all the WAITs of a batch.
    func replicationBeforeSleep() {
        guard replication.acknowledgementsWanted else { return }
        replication.acknowledgementsWanted = false
        guard replication.master == nil, !replication.replicas.isEmpty else { return }
        var getack = ByteBuffer()
        Self.encodeCommand([Array("REPLCONF".utf8), Array("GETACK".utf8), Array("*".utf8)], into: &getack)
        feedReplicationStream(getack)
    }
}

extension NodeEngine {
    /// replicationCron: once a second, both halves (a replica may have replicas of its own).
    func replicationCron() {
        guard now - replication.cronAt >= 1000 else { return }
        replication.cronAt = now
        if replication.master != nil { replicaReplicationCron() }
        masterReplicationCron()
        replicationBeforeSleep()
    }
}
