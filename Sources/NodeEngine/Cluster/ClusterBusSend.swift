import ClusterBus

/// Messages this node sends on the bus (cluster.c's clusterSend* family).
extension NodeEngine {
    /// clusterBuildMessageHdr: who I am and what I (or my master) serve.
    func messageHeader(_ type: ClusterMessageType) -> ClusterMessage.Header {
        let cluster = cluster!
        let myself = cluster.myself
        let master = myself.isReplica ? myself.master ?? myself : myself
        var header = ClusterMessage.Header(type: type, sender: myself.id)
        header.myIP = config["cluster-announce-ip"]
        header.slots = master.slots.bytes
        header.replicaOf = myself.master?.id
        header.port = UInt16(clamping: myself.port)
        header.busPort = UInt16(clamping: myself.busPort)
        header.flags = myself.flags.rawValue
        header.state = cluster.isOK ? 0 : 1
        header.currentEpoch = cluster.currentEpoch
        header.configEpoch = master.configEpoch
        header.offset = UInt64(clamping: replicationOffset(of: myself))
        // A master paused for a replica's manual failover says so: its offset is final.
        if myself.isMaster && cluster.failover.manualEnd != 0 { header.messageFlags |= ClusterMessage.flagPaused }
        return header
    }

    func send(_ message: ClusterMessage, on link: ClusterBusLink) {
        guard let cluster else { return }
        if let peer = link.node, faults.isPartitioned(from: peer.id) { return }
        if let type = message.header.knownType { cluster.messagesSent[Int(type.rawValue)] += 1 }
        busOutput?(.send(link: link.id, bytes: message.encoded()))
    }

    /// clusterBroadcastMessage: to every node's outbound link but handshakes.
    func broadcast(_ message: ClusterMessage) {
        guard let cluster else { return }
        for node in cluster.knownNodes where !node.isMyself && !node.inHandshake {
            if let id = node.outboundLink, let link = cluster.links[id] { send(message, on: link) }
        }
    }

    /// clusterSendPing: PING, PONG or MEET with the 1/10 gossip sample, every
    /// node possibly failing, and the hostname extension.
    func sendPing(_ link: ClusterBusLink, _ type: ClusterMessageType) {
        guard let cluster else { return }
        cluster.gossipRound += 1
        let nodes = cluster.knownNodes
        var fresh = nodes.count - 2
        let wanted = min(max(nodes.count / 10, 3), fresh)
        if link.outbound && type == .ping { link.node?.pingSent = now }
        var entries: [GossipEntry] = []
        var iterations = wanted * 3
        while fresh > 0 && entries.count < wanted && iterations > 0 {
            iterations -= 1
            let node = nodes[Int(random.next() % UInt64(nodes.count))]
            if node.isMyself || node.timedOut { continue }
            if node.inHandshake || node.flags.contains(.noAddress) || (node.outboundLink == nil && node.slotCount == 0) {
                fresh -= 1
                continue
            }
            if node.lastGossipRound == cluster.gossipRound { continue }
            entries.append(gossipEntry(node))
            node.lastGossipRound = cluster.gossipRound
            fresh -= 1
        }
        var failing = cluster.possiblyFailingCount
        for node in nodes where failing > 0 && node.timedOut && !node.inHandshake && !node.flags.contains(.noAddress) {
            entries.append(gossipEntry(node))
            failing -= 1
        }
        let hostname = cluster.myself.hostname
        var header = messageHeader(type)
        if !hostname.isEmpty { header.messageFlags |= ClusterMessage.flagExtensions }
        send(ClusterMessage(header: header, body: .gossip(entries, hostname.isEmpty ? [] : [.hostname(hostname)])), on: link)
    }

    private func gossipEntry(_ node: ClusterNode) -> GossipEntry {
        GossipEntry(nodeID: node.id, pingSent: UInt32(truncatingIfNeeded: node.pingSent / 1000),
                    pongReceived: UInt32(truncatingIfNeeded: node.pongReceived / 1000), ip: node.ip,
                    port: UInt16(clamping: node.port), busPort: UInt16(clamping: node.busPort),
                    flags: node.flags.rawValue, plaintextPort: UInt16(clamping: node.plaintextPort))
    }

    /// clusterBroadcastPong: the new configuration now, to everyone (ALL)
    /// or to the nodes `to` picks (LOCAL_SLAVES).
    func clusterBroadcastPong(to chosen: (ClusterNode) -> Bool = { _ in true }) {
        guard let cluster else { return }
        for node in cluster.knownNodes where !node.isMyself && !node.inHandshake && chosen(node) {
            if let id = node.outboundLink, let link = cluster.links[id] { sendPing(link, .pong) }
        }
    }

    func sendFail(about node: ClusterNode) {
        broadcast(ClusterMessage(header: messageHeader(.fail), body: .fail(nodeID: node.id)))
    }

    /// clusterSendUpdate: `node`'s epoch and the slots it still claims.
    func sendUpdate(on link: ClusterBusLink?, about node: ClusterNode) {
        guard let link, let cluster else { return }
        var slots = node.slots.bytes
        for index in slots.indices { slots[index] &= ~cluster.ownerNotClaiming.bytes[index] }
        send(ClusterMessage(header: messageHeader(.update), body: .update(configEpoch: node.configEpoch, nodeID: node.id, slots: slots)),
             on: link)
    }

    /// clusterPropagatePublish: PUBLISH to every node, SPUBLISH to my shard.
    func propagatePublish(channel: [UInt8], message: [UInt8], sharded: Bool) {
        guard let cluster else { return }
        if !sharded {
            broadcast(ClusterMessage(header: messageHeader(.publish), body: .publish(channel: channel, message: message)))
            return
        }
        let master = cluster.myself.isReplica ? cluster.myself.master : cluster.myself
        guard let master else { return }
        for node in [master] + master.replicas where !node.isMyself && !node.inHandshake {
            if let id = node.outboundLink, let link = cluster.links[id] {
                send(ClusterMessage(header: messageHeader(.publishShard), body: .publish(channel: channel, message: message)), on: link)
            }
        }
    }
}
