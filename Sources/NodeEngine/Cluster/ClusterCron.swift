import ClusterModel

/// clusterCron, ten times a second: links opened to every node, pings to
/// keep every pong fresh, stale links dropped, PFAIL after node-timeout.
extension NodeEngine {
    public static let clusterCronMilliseconds: Int64 = 100

    public func clusterCron() {
        now = clock.milliseconds()
        guard let cluster else { return }
        cluster.cronIteration += 1
        updateMyselfFlags()
        let timeout = clusterNodeTimeout
        let handshakeTimeout = max(timeout, 1000)
        cluster.myself.hostname = config["cluster-announce-hostname"]
        cluster.possiblyFailingCount = 0
        freeLinksOverTheSendLimit()
        for node in cluster.knownNodes where !node.isMyself && !node.flags.contains(.noAddress) {
            if node.timedOut { cluster.possiblyFailingCount += 1 }
            if node.inHandshake && now - node.createdAt > handshakeTimeout {
                deleteNode(node)
                continue
            }
            if node.outboundLink == nil { openLink(to: node) }
        }
        // Every tenth run: ping the node among five random ones whose pong is oldest.
        if cluster.cronIteration % 10 == 0 {
            var oldest: ClusterNode?
            let nodes = cluster.knownNodes
            for _ in 0..<5 where !nodes.isEmpty {
                let node = nodes[Int(random.next() % UInt64(nodes.count))]
                guard node.outboundLink != nil, node.pingSent == 0, !node.isMyself, !node.inHandshake else { continue }
                if oldest == nil || oldest!.pongReceived > node.pongReceived { oldest = node }
            }
            if let oldest, let link = outboundLink(of: oldest) { sendPing(link, .ping) }
        }
        var stateChanged = false
        for node in cluster.knownNodes where !node.isMyself && !node.flags.contains(.noAddress) && !node.inHandshake {
            // A replica in a manual failover with me: pinged without pause, my offset in each ping.
            if cluster.failover.manualEnd != 0 && cluster.myself.isMaster && cluster.failover.manualReplica === node,
               let link = outboundLink(of: node) {
                sendPing(link, .ping)
                continue
            }
            let pingDelay = now - node.pingSent
            let dataDelay = now - node.dataReceived
            if let link = outboundLink(of: node), now - link.createdAt > timeout, node.pingSent != 0,
               pingDelay > timeout / 2, dataDelay > timeout / 2 {
                freeLink(link)
            }
            if let link = outboundLink(of: node), node.pingSent == 0, now - node.pongReceived > timeout / 2 {
                sendPing(link, .ping)
                continue
            }
            guard node.pingSent != 0 else { continue }
            if min(pingDelay, dataDelay) > timeout && !node.timedOut && !node.hasFailed {
                log(.debug, "*** NODE \(node.id) possibly failing")
                node.flags.insert(.possiblyFailing)
                stateChanged = true
            }
        }
        manualFailoverCheckTimeout()
        if cluster.myself.isReplica {
            handleManualFailover()
            handleReplicaFailover()
            replicaMigrationIfNeeded()
        }
        if stateChanged || !cluster.isOK { cluster.needsStateUpdate = true }
        clusterBeforeSleep()
        redirectBlockedClients()
    }

    /// clusterRedirectBlockedClientIfNeeded: a client blocked on a key whose
    /// slot went to another node (or on a failed cluster) is answered with
    /// the redirection instead of waiting there for ever.
    func redirectBlockedClients() {
        guard let cluster else { return }
        for client in clients.values {
            guard let blocked = client.blocked, let first = blocked.keys.first else { continue }
            var error: String?
            if !cluster.isOK {
                error = "CLUSTERDOWN The cluster is down"
            } else {
                let slot = first.key.withUnsafeBytes(HashSlot.slot(of:))
                var owner = cluster.slotOwner[slot]
                let isWrite = commands.lookup(blocked.arguments)?.flags.contains(.write) ?? true
                if client.readOnly && !isWrite && cluster.myself.isReplica && cluster.myself.master === owner { owner = cluster.myself }
                if owner !== cluster.myself && cluster.importingFrom[slot] == nil {
                    error = owner.map { "MOVED \(slot) \(preferredEndpoint($0)):\($0.port)" } ?? "CLUSTERDOWN Hash slot not served"
                }
            }
            guard let error else { continue }
            unblock(client)
            fail(client, error)
            client.wake?()
        }
    }

    func outboundLink(of node: ClusterNode) -> ClusterBusLink? {
        node.outboundLink.flatMap { cluster?.links[$0] }
    }

    /// A bus PUBLISH: to this node's subscribers only (never sent on again).
    func deliverPublished(channel: [UInt8], message: [UInt8], sharded: Bool) {
        _ = publish(channel: channel, message: message, shard: sharded)
    }
}
