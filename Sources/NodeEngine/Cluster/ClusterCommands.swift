import ClusterModel
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
    private static func state(_ e: NodeEngine, _ c: ClientSession) -> ClusterState? {
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
        e.replyHelp(c, a, helpLines)
    }

    static func info(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.verbatim(cluster.infoText(now: e.now, nodeTimeout: e.clusterNodeTimeout))
    }

    static func nodes(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.verbatim(cluster.nodesText)
    }

    static func myID(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        c.reply.bulk(cluster.myself.id)
    }

    static func keySlot(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        c.reply.integer(a.withBytes(2, HashSlot.slot(of:)))
    }

    static func countKeysInSlot(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        guard let slot = a.integer(2) else { return e.fail(c, "ERR value is not an integer or out of range") }
        guard HashSlot.all.contains(Int(clamping: slot)) else { return e.fail(c, "ERR Invalid slot") }
        c.reply.integer(e.keysInSlot(Int(slot)))
    }

    static func getKeysInSlot(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard state(e, c) != nil else { return }
        guard let slot = a.integer(2), let limit = a.integer(3) else {
            return e.fail(c, "ERR value is not an integer or out of range")
        }
        guard HashSlot.all.contains(Int(clamping: slot)), limit >= 0 else {
            return e.fail(c, "ERR Invalid slot or number of keys")
        }
        let keys = e.keys(inSlot: Int(slot), limit: Int(clamping: limit))
        c.reply.array(keys.count)
        c.reply.bulks(keys)
    }

    /// getSlotOrReply.
    private static func slot(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int) -> Int? {
        guard let value = a.integer(index), HashSlot.all.contains(Int(clamping: value)) else {
            e.fail(c, "ERR Invalid or out of range slot")
            return nil
        }
        return Int(value)
    }

    /// ADDSLOTS and DELSLOTS: every slot checked before any changes.
    static func addSlots(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        let delete = a.isWord(1, "delslots")
        var slots: [Int] = []
        for index in 2..<a.count {
            guard let slot = slot(e, c, a, index) else { return }
            slots.append(slot)
        }
        var seen = [UInt8](repeating: 0, count: HashSlot.count)
        for slot in slots where !check(e, c, cluster, slot, delete: delete, seen: &seen) { return }
        update(e, cluster, seen, delete: delete)
        c.reply.ok()
    }

    static func addSlotsRange(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard a.count % 2 == 0 else {
            return e.fail(c, "ERR wrong number of arguments for '\(a.lowercased(0))|\(a.lowercased(1))' command")
        }
        let delete = a.isWord(1, "delslotsrange")
        var seen = [UInt8](repeating: 0, count: HashSlot.count)
        for index in stride(from: 2, to: a.count, by: 2) {
            guard let start = slot(e, c, a, index), let end = slot(e, c, a, index + 1) else { return }
            guard start <= end else {
                return e.fail(c, "ERR start slot number \(start) is greater than end slot number \(end)")
            }
            for slot in start...end where !check(e, c, cluster, slot, delete: delete, seen: &seen) { return }
        }
        update(e, cluster, seen, delete: delete)
        c.reply.ok()
    }

    /// checkSlotAssignmentsOrReply.
    private static func check(_ e: NodeEngine, _ c: ClientSession, _ cluster: ClusterState, _ slot: Int, delete: Bool,
                              seen: inout [UInt8]) -> Bool {
        if delete && cluster.slotOwner[slot] == nil {
            e.fail(c, "ERR Slot \(slot) is already unassigned")
            return false
        }
        if !delete && cluster.slotOwner[slot] != nil {
            e.fail(c, "ERR Slot \(slot) is already busy")
            return false
        }
        seen[slot] += 1
        if seen[slot] == 2 {
            e.fail(c, "ERR Slot \(slot) specified multiple times")
            return false
        }
        return true
    }

    private static func update(_ e: NodeEngine, _ cluster: ClusterState, _ seen: [UInt8], delete: Bool) {
        for slot in 0..<HashSlot.count where seen[slot] != 0 {
            cluster.importingFrom[slot] = nil
            if delete { cluster.deleteSlot(slot) } else { cluster.addSlot(slot, to: cluster.myself) }
        }
        e.clusterChanged()
    }

    static func flushSlots(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard e.databases[0].count == 0 else { return e.fail(c, "ERR DB must be empty to perform CLUSTER FLUSHSLOTS.") }
        for slot in 0..<HashSlot.count where cluster.slotOwner[slot] === cluster.myself { cluster.deleteSlot(slot) }
        e.clusterChanged()
        c.reply.ok()
    }

    static func setSlot(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        guard !cluster.myself.isReplica else { return e.fail(c, "ERR Please use SETSLOT only with masters.") }
        guard let slot = slot(e, c, a, 2) else { return }
        let myself = cluster.myself
        func target() -> ClusterNode? { a.count == 5 ? cluster.node(a[4]) : nil }
        if a.isWord(3, "migrating") && a.count == 5 {
            guard cluster.slotOwner[slot] === myself else { return e.fail(c, "ERR I'm not the owner of hash slot \(slot)") }
            guard let node = target() else { return e.fail(c, "ERR I don't know about node \(a.string(4))") }
            guard !node.isReplica else { return e.fail(c, "ERR Target node is not a master") }
            cluster.migratingTo[slot] = node
        } else if a.isWord(3, "importing") && a.count == 5 {
            guard cluster.slotOwner[slot] !== myself else { return e.fail(c, "ERR I'm already the owner of hash slot \(slot)") }
            guard let node = target() else { return e.fail(c, "ERR I don't know about node \(a.string(4))") }
            guard !node.isReplica else { return e.fail(c, "ERR Target node is not a master") }
            cluster.importingFrom[slot] = node
        } else if a.isWord(3, "stable") && a.count == 4 {
            cluster.importingFrom[slot] = nil
            cluster.migratingTo[slot] = nil
        } else if a.isWord(3, "node") && a.count == 5 {
            guard let node = target() else { return e.fail(c, "ERR Unknown node \(a.string(4))") }
            guard !node.isReplica else { return e.fail(c, "ERR Target node is not a master") }
            let keys = e.keysInSlot(slot)
            if cluster.slotOwner[slot] === myself && node !== myself && keys != 0 {
                return e.fail(c, "ERR Can't assign hashslot \(slot) to a different node while I still hold keys for this hash slot.")
            }
            if keys == 0 && cluster.migratingTo[slot] != nil { cluster.migratingTo[slot] = nil }
            let wasMine = cluster.slotOwner[slot] === myself
            cluster.deleteSlot(slot)
            cluster.addSlot(slot, to: node)
            if wasMine && node !== myself && myself.slotCount == 0 && e.config.bool("cluster-allow-replica-migration") {
                e.log(.warning, "Configuration change detected. Reconfiguring myself as a replica of \(node.id)")
                cluster.setMaster(node)
                cluster.markChanged()
            }
            if node === myself && cluster.importingFrom[slot] != nil {
                if cluster.bumpEpochWithoutConsensus() {
                    e.log(.warning, "configEpoch updated after importing slot \(slot)")
                }
                cluster.importingFrom[slot] = nil
                e.clusterBroadcastPong()
            }
        } else {
            return e.fail(c, "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP")
        }
        e.clusterChanged()
        c.reply.ok()
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
        cluster.setMaster(node)
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

    static func failover(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let cluster = state(e, c) else { return }
        var force = false
        if a.count == 3 {
            guard a.isWord(2, "force") || a.isWord(2, "takeover") else { return e.fail(c, "ERR syntax error") }
            force = true
        }
        guard !cluster.myself.isMaster else { return e.fail(c, "ERR You should send CLUSTER FAILOVER to a replica") }
        guard let master = cluster.myself.master else { return e.fail(c, "ERR I'm a replica but my master is unknown to me") }
        if !force && (master.hasFailed || master.outboundLink == nil) {
            return e.fail(c, "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE")
        }
        // Failover needs replication (Engine 3) and elections (Engine 4).
        e.fail(c, "ERR CLUSTER FAILOVER is not supported by this node yet: it has no replication")
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

    static let helpLines = [
        "ADDSLOTS <slot> [<slot> ...]", "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH", "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>", "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]", "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
        "FAILOVER [FORCE|TAKEOVER]", "    Promote current replica node to being a master.",
        "FORGET <node-id>", "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS", "    Delete current node own slots information.",
        "INFO", "    Return information about the cluster.",
        "KEYSLOT <key>", "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]", "    Connect nodes into a working cluster.",
        "MYID", "    Return the node id.",
        "NODES", "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>", "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]", "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>", "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)", "    Set slot state.",
        "REPLICAS <node-id>", "    Return <node-id> replicas.",
        "SAVECONFIG", "    Force saving cluster configuration on disk.",
        "SLOTS", "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS", "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes of a link",
    ]
}
