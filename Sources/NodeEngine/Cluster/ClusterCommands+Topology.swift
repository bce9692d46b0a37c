import ClusterModel

/// CLUSTER SLOTS and CLUSTER SHARDS: who serves what, as clients route by it.
extension ClusterCommands {
    static func slots(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        var runs: [(start: Int, end: Int, owner: ClusterNode)] = []
        for slot in 0..<HashSlot.count {
            guard let owner = cluster.slotOwner[slot] else { continue }
            if let last = runs.last, last.owner === owner, last.end == slot - 1 {
                runs[runs.count - 1].end = slot
            } else {
                runs.append((slot, slot, owner))
            }
        }
        c.reply.array(runs.count)
        for run in runs {
            let replicas = run.owner.replicas.filter { e.isReplicaAvailable($0) }
            c.reply.array(3 + replicas.count)
            c.reply.integer(run.start)
            c.reply.integer(run.end)
            node(e, c, run.owner)
            for replica in replicas { node(e, c, replica) }
        }
    }

    /// addNodeToNodeReply: endpoint, port, ID, and the other known addresses.
    private static func node(_ e: NodeEngine, _ c: ClientSession, _ node: ClusterNode) {
        c.reply.array(4)
        switch e.config["cluster-preferred-endpoint-type"] {
        case "hostname": c.reply.bulk(node.hostname.isEmpty ? "?" : node.hostname)
        case "unknown-endpoint": c.reply.null()
        default: c.reply.bulk(node.ip)
        }
        c.reply.integer(node.port)
        c.reply.bulk(node.id)
        let type = e.config["cluster-preferred-endpoint-type"]
        let showIP = type != "ip", showHostname = type != "hostname" && !node.hostname.isEmpty
        c.reply.map((showIP ? 1 : 0) + (showHostname ? 1 : 0))
        if showIP { c.reply.bulk("ip"); c.reply.bulk(node.ip) }
        if showHostname { c.reply.bulk("hostname"); c.reply.bulk(node.hostname) }
    }

    static func shards(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        let masters = cluster.knownNodes.filter(\.isMaster)
        c.reply.array(masters.count)
        for master in masters {
            c.reply.map(2)
            c.reply.bulk("slots")
            let ranges = cluster.slotRanges(of: master)
            c.reply.array(ranges.count * 2)
            for (start, end) in ranges {
                c.reply.integer(start)
                c.reply.integer(end)
            }
            c.reply.bulk("nodes")
            let serving = [master] + master.replicas
            c.reply.array(serving.count)
            for node in serving { shardNode(e, c, node) }
        }
    }

    /// addNodeDetailsToShardReply.
    private static func shardNode(_ e: NodeEngine, _ c: ClientSession, _ node: ClusterNode) {
        let offset = e.replicationOffset(of: node)
        let health = node.hasFailed ? "fail" : node.isReplica && offset == 0 ? "loading" : "online"
        c.reply.map(7 + (node.hostname.isEmpty ? 0 : 1) - (node.port == 0 ? 1 : 0))
        c.reply.bulk("id"); c.reply.bulk(node.id)
        if node.port != 0 { c.reply.bulk("port"); c.reply.integer(node.port) }
        c.reply.bulk("ip"); c.reply.bulk(node.ip)
        c.reply.bulk("endpoint"); c.reply.bulk(e.preferredEndpoint(node))
        if !node.hostname.isEmpty { c.reply.bulk("hostname"); c.reply.bulk(node.hostname) }
        c.reply.bulk("role"); c.reply.bulk(node.isReplica ? "replica" : "master")
        c.reply.bulk("replication-offset"); c.reply.integer(offset)
        c.reply.bulk("health"); c.reply.bulk(health)
    }
}
