#if canImport(Glibc)
import Glibc
#endif

/// CLUSTER and its subcommands, ASKING, READONLY and READWRITE, with
/// redis-server 7.0.15's replies and error texts (cluster.c clusterCommand).
enum ClusterCommands {
    static let all: [(String, CommandHandler)] = [
        ("cluster|help", help), ("cluster|info", info), ("cluster|nodes", nodes), ("cluster|myid", myID),
        ("cluster|slots", slots), ("cluster|shards", shards), ("cluster|keyslot", keySlot),
        ("cluster|countkeysinslot", countKeysInSlot), ("cluster|getkeysinslot", getKeysInSlot),
        ("cluster|addslots", addSlots), ("cluster|delslots", addSlots),
        ("cluster|addslotsrange", addSlotsRange), ("cluster|delslotsrange", addSlotsRange),
        ("cluster|flushslots", flushSlots), ("cluster|setslot", setSlot), ("cluster|meet", meet),
        ("cluster|forget", forget), ("cluster|replicate", replicate), ("cluster|replicas", replicas),
        ("cluster|slaves", replicas), ("cluster|count-failure-reports", countFailureReports),
        ("cluster|failover", failover), ("cluster|set-config-epoch", setConfigEpoch), ("cluster|reset", reset),
        ("cluster|bumpepoch", bumpEpoch), ("cluster|saveconfig", saveConfig), ("cluster|links", links),
        ("asking", asking), ("readonly", readOnly), ("readwrite", readWrite),
    ]

    static let disabled = "ERR This instance has cluster support disabled"

    /// Every handler starts here: the cluster state, or the refusal of a
    /// node started without cluster-enabled.
    static func state(_ e: NodeEngine, _ c: ClientSession) -> ClusterState? {
        guard let cluster = e.cluster else {
            e.fail(c, disabled)
            return nil
        }
        return cluster
    }

    static func asking(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        c.asking = true
        c.reply.ok()
    }

    static func readOnly(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        c.readOnly = true
        c.reply.ok()
    }

    static func readWrite(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        c.readOnly = false
        c.reply.ok()
    }

    static func help(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        e.replyHelp(c, a, HelpTexts.byCommand["cluster"] ?? [])
    }

    static func info(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.verbatim(cluster.infoText)
    }

    static func nodes(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.verbatim(cluster.nodesText)
    }

    static func myID(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.bulk(cluster.myself.id)
    }


    static func meet(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let port = a.integer(3) else { return e.fail(c, "ERR Invalid TCP base port specified: \(a.string(3))") }
        var busPort = port + 10000
        if a.count == 5 {
            guard let given = a.integer(4) else { return e.fail(c, "ERR Invalid TCP bus port specified: \(a.string(4))") }
            busPort = given
        }
        guard let ip = normalizedIP(a.string(2)), (1...65535).contains(port), (1...65535).contains(busPort) else {
            return e.fail(c, "ERR Invalid node address specified: \(a.string(2)):\(a.string(3))")
        }
        let pending = cluster.knownNodes.contains {
            $0.inHandshake && $0.ip.lowercased() == ip.lowercased() && $0.port == Int(port) && $0.busPort == Int(busPort)
        }
        if !pending { e.startHandshake(ip: ip, port: Int(port), busPort: Int(busPort)) }
        c.reply.ok()
    }

    /// inet_pton then inet_ntop: the address as redis-server stores it, or
    /// nil for something that is not an IP literal.
    static func normalizedIP(_ text: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if inet_pton(AF_INET, text, &v4) == 1 {
            return inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)).map { String(cString: $0) }
        }
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)).map { String(cString: $0) }
        }
        return nil
    }

    static func forget(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let node = cluster.node(a[2]) else { return e.fail(c, "ERR Unknown node \(a.string(2))") }
        guard node !== cluster.myself else { return e.fail(c, "ERR I tried hard but I can't forget myself...") }
        guard !(cluster.myself.isReplica && cluster.myself.master === node) else { return e.fail(c, "ERR Can't forget my master!") }
        cluster.blacklist[node.id] = e.now / 1000 + 60
        e.forgetNode(node)
        e.clusterChanged()
        c.reply.ok()
    }

    static func replicate(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let node = cluster.node(a[2]) else { return e.fail(c, "ERR Unknown node \(a.string(2))") }
        guard node !== cluster.myself else { return e.fail(c, "ERR Can't replicate myself") }
        guard !node.isReplica else { return e.fail(c, "ERR I can only replicate a master, not a replica.") }
        if cluster.myself.isMaster && (cluster.myself.slotCount != 0 || e.databases[0].count != 0) {
            return e.fail(c, "ERR To set a master the node must be empty and without assigned slots.")
        }
        e.becomeReplica(of: node)
        e.clusterChanged()
        c.reply.ok()
    }

    static func replicas(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let node = cluster.node(a[2]) else { return e.fail(c, "ERR Unknown node \(a.string(2))") }
        guard !node.isReplica else { return e.fail(c, "ERR The specified node is not a master") }
        c.reply.array(node.replicas.count)
        for replica in node.replicas { c.reply.bulk(cluster.describe(replica)) }
    }

    static func countFailureReports(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let node = cluster.node(a[2]) else { return e.fail(c, "ERR Unknown node \(a.string(2))") }
        c.reply.integer(e.validFailureReports(node))
    }

    /// CLUSTER FAILOVER [FORCE|TAKEOVER]: by default the master pauses its
    /// writers until this replica has its whole stream, then the replica is
    /// elected; FORCE elects without the master; TAKEOVER takes the slots
    /// with a new epoch of its own, asking no one.
    static func failover(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        var force = false, takeover = false
        if a.count == 3 {
            if a.isWord(2, "force") {
                force = true
            } else if a.isWord(2, "takeover") {
                takeover = true
                force = true
            } else {
                return e.fail(c, "ERR syntax error")
            }
        }
        guard !cluster.myself.isMaster else { return e.fail(c, "ERR You should send CLUSTER FAILOVER to a replica") }
        guard let master = cluster.myself.master else { return e.fail(c, "ERR I'm a replica but my master is unknown to me") }
        if !force && (master.hasFailed || master.outboundLink == nil) {
            return e.fail(c, "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE")
        }
        e.resetManualFailover()
        cluster.failover.manualEnd = e.now + FailoverState.manualTimeout
        if takeover {
            e.log(.warning, "Taking over the master (user request).")
            cluster.bumpEpochWithoutConsensus()
            e.failoverReplaceYourMaster()
        } else if force {
            e.log(.warning, "Forced failover user request accepted.")
            cluster.failover.manualCanStart = true
        } else {
            e.log(.warning, "Manual failover user request accepted.")
            e.sendManualFailoverStart(to: master)
        }
        c.reply.ok()
    }

    static func setConfigEpoch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard let epoch = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        if epoch < 0 { return e.fail(c, "ERR Invalid config epoch specified: \(epoch)") }
        if cluster.knownNodes.count > 1 {
            return e.fail(c, "ERR The user can assign a config epoch only when the node does not know any other node.")
        }
        if cluster.myself.configEpoch != 0 { return e.fail(c, "ERR Node config epoch is already non-zero") }
        cluster.myself.configEpoch = UInt64(epoch)
        e.log(.warning, "configEpoch set to \(epoch) via CLUSTER SET-CONFIG-EPOCH")
        if cluster.currentEpoch < UInt64(epoch) { cluster.currentEpoch = UInt64(epoch) }
        e.clusterChanged()
        c.reply.ok()
    }

    static func reset(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        var hard = false
        if a.count == 3 {
            if a.isWord(2, "hard") { hard = true } else if !a.isWord(2, "soft") { return e.fail(c, "ERR syntax error") }
        }
        if cluster.myself.isMaster && e.databases[c.db].count != 0 {
            return e.fail(c, "ERR CLUSTER RESET can't be called with master nodes containing keys")
        }
        e.resetCluster(hard: hard)
        c.reply.ok()
    }

    static func bumpEpoch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        let bumped = cluster.bumpEpochWithoutConsensus()
        if bumped { e.log(.warning, "New configEpoch set to \(cluster.myself.configEpoch)") }
        c.reply.simple("\(bumped ? "BUMPED" : "STILL") \(cluster.myself.configEpoch)")
    }

    static func saveConfig(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        if let error = e.saveClusterConfig() {
            return e.fail(c, "ERR error saving the cluster node config: \(error)")
        }
        c.reply.ok()
    }

    static func links(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        let links = e.clusterLinks()
        c.reply.array(links.count)
        for link in links {
            c.reply.map(6)
            c.reply.bulk("direction"); c.reply.bulk(link.outbound ? "to" : "from")
            c.reply.bulk("node"); c.reply.bulk(link.nodeID)
            c.reply.bulk("create-time"); c.reply.integer(link.createdAt)
            c.reply.bulk("events"); c.reply.bulk(link.events)
            c.reply.bulk("send-buffer-allocated"); c.reply.integer(link.sendBufferAllocated)
            c.reply.bulk("send-buffer-used"); c.reply.integer(link.sendBufferUsed)
        }
    }
}
