import ClusterModel

/// How bad a line the engine logs is (redis-server's loglevels).
public enum EngineLogLevel: Sendable {
    case debug, verbose, notice, warning
}

/// One bus link, as CLUSTER LINKS shows it (the server keeps the links).
public struct ClusterLinkInfo: Sendable {
    public var outbound: Bool
    public var nodeID: String
    public var createdAt: Int64
    public var events: String
    public var sendBufferAllocated: Int
    public var sendBufferUsed: Int

    public init(outbound: Bool, nodeID: String, createdAt: Int64, events: String, sendBufferAllocated: Int, sendBufferUsed: Int) {
        self.outbound = outbound
        self.nodeID = nodeID
        self.createdAt = createdAt
        self.events = events
        self.sendBufferAllocated = sendBufferAllocated
        self.sendBufferUsed = sendBufferUsed
    }
}

/// Cluster mode in the engine: starting the state from nodes.conf or fresh,
/// keeping it saved, and what commands ask of it.
extension NodeEngine {
    public var isClusterEnabled: Bool { cluster != nil }

    /// Starts cluster mode: from nodes.conf's text when there is one, else as
    /// a fresh master with a new ID. Returns the node's ID. The server saves
    /// the file right after (`flushClusterConfig`).
    @discardableResult
    public func startCluster(configText: String?) throws(ClusterConfigError) -> String {
        let state: ClusterState
        if let configText, !configText.isEmpty {
            state = try ClusterState.load(configText, now: now)
            log(.notice, "Node configuration loaded, I'm \(state.myself.id)")
        } else {
            state = ClusterState(myselfID: randomNodeID(), now: now)
            state.startedFresh = true
            log(.notice, "No cluster configuration found, I'm \(state.myself.id)")
        }
        cluster = state
        updateMyselfAddress()
        updateMyselfFlags()
        state.markChanged()
        return state.myself.id
    }

    /// The announced ports and address (deriveAnnouncedPorts,
    /// clusterUpdateMyselfIp/Hostname), re-read when they are set.
    func updateMyselfAddress() {
        guard let cluster else { return }
        let myself = cluster.myself
        let announcedPort = Int(config.integer("cluster-announce-port"))
        myself.port = announcedPort != 0 ? announcedPort : port
        let announcedBus = Int(config.integer("cluster-announce-bus-port"))
        let clusterPort = Int(config.integer("cluster-port"))
        myself.busPort = announcedBus != 0 ? announcedBus : clusterPort != 0 ? clusterPort : port + 10000
        let announcedIP = config["cluster-announce-ip"]
        if !announcedIP.isEmpty { myself.ip = announcedIP }
        myself.hostname = config["cluster-announce-hostname"]
    }

    /// 40 lowercase hex characters from the engine's seeded generator.
    func randomNodeID() -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<40).map { _ in digits[Int(random.next() & 15)] }, as: UTF8.self)
    }

    func log(_ level: EngineLogLevel, _ message: String) { logger?(level, message) }

    var clusterNodeTimeout: Int64 { config.integer("cluster-node-timeout") }

    // MARK: Keys by slot

    func keysInSlot(_ slot: Int) -> Int {
        Int(databases[0].table.slotIndex?.counts[slot] ?? 0)
    }

    func keys(inSlot slot: Int, limit: Int) -> [[UInt8]] {
        let table = databases[0].table
        return (table.slotIndex?.entries(inSlot: slot, limit: limit) ?? []).map { table.key(at: $0) }
    }

    // MARK: Changes and persistence

    /// After a change of the cluster: the state is re-evaluated and the
    /// config saved once, before the replies go out (clusterBeforeSleep).
    func clusterChanged() {
        guard let cluster else { return }
        cluster.markChanged()
        cluster.needsStateUpdate = true
    }

    func updateClusterState() {
        guard let cluster, cluster.updateState(now: now, requireFullCoverage: config.bool("cluster-require-full-coverage"),
                                               nodeTimeout: clusterNodeTimeout) else { return }
        log(.warning, "Cluster state changed: \(cluster.isOK ? "ok" : "fail")")
    }

    /// Saves nodes.conf if anything changed since the last save. Returns the
    /// error when the file could not be written: redis-server exits then.
    public func flushClusterConfig() -> String? {
        guard let cluster, cluster.needsSave else { return nil }
        return saveClusterConfig()
    }

    /// nodes.conf written and fsynced: a change a node acknowledged survives a crash.
    func saveClusterConfig() -> String? {
        guard let cluster else { return nil }
        guard let writer = clusterConfigWriter else { return nil }
        if let error = writer(cluster.configText) { return error }
        cluster.needsSave = false
        return nil
    }

    // MARK: Nodes

    func startHandshake(ip: String, port: Int, busPort: Int) {
        guard let cluster else { return }
        let node = ClusterNode(id: randomNodeID(), flags: [.handshake, .meet], createdAt: now)
        node.ip = ip
        node.port = port
        node.busPort = busPort
        cluster.add(node)
    }

    func forgetNode(_ node: ClusterNode) { deleteNode(node) }

    /// clusterNodeFailureReportsCount after clusterNodeCleanupFailureReports.
    func validFailureReports(_ node: ClusterNode) -> Int {
        let maximumAge = clusterNodeTimeout * 2
        node.failureReports = node.failureReports.filter { now - $0.value.time <= maximumAge }
        return node.failureReports.count
    }

    func resetCluster(hard: Bool) {
        guard let cluster else { return }
        if cluster.myself.isReplica {
            // emptyData: the keys and the function libraries.
            for database in databases { database.removeAll() }
            flushFunctions()
        }
        for node in cluster.knownNodes where !node.isMyself { freeLinks(of: node) }
        cluster.reset(hard: hard, newID: randomNodeID())
        if hard {
            log(.warning, "configEpoch set to 0 via CLUSTER RESET HARD")
            log(.notice, "Node hard reset, now I'm \(cluster.myself.id)")
        }
        cluster.needsStateUpdate = true
    }


    // MARK: Replication facts the cluster commands show

    /// isReplicaAvailable: not failed, and it has told a replication offset.
    func isReplicaAvailable(_ node: ClusterNode) -> Bool {
        !node.hasFailed && replicationOffset(of: node) != 0
    }

    func replicationOffset(of node: ClusterNode) -> Int64 {
        node.isMyself ? replication.offset : node.replicationOffset
    }

    /// The replication link follows the cluster's view of myself: a replica
    /// of a master whose address is known replicates it (clusterCron's check,
    /// and clusterSetMaster's), a master has no master.
    /// clusterBeforeSleep: the state evaluated once for all the changes of a
    /// batch, and nodes.conf written before the replies that report them go
    /// out. A node that cannot write it stops.
    public func clusterBeforeSleep() {
        guard let cluster else { return }
        if cluster.needsFailoverCheck {
            cluster.needsFailoverCheck = false
            if cluster.myself.isReplica {
                handleManualFailover()
                handleReplicaFailover()
            }
        }
        followClusterRole()
        if cluster.needsStateUpdate {
            cluster.needsStateUpdate = false
            updateClusterState()
        }
        flushClusterConfigOrDie()
    }

    /// clusterSaveConfigOrDie: nodes.conf written now, or the node stops.
    func flushClusterConfigOrDie() {
        guard let error = flushClusterConfig() else { return }
        log(.warning, "Fatal: can't update cluster config file. (\(error))")
        onFatal?(error)
    }

    /// clusterSetMaster: myself a replica of `master` (CLUSTER REPLICATE, an
    /// UPDATE or PONG showing a new owner of my slots, a lost election); the
    /// replication link follows in followClusterRole, before sleeping.
    func becomeReplica(of master: ClusterNode) {
        cluster?.setMaster(master)
        resetManualFailover()
    }

    func followClusterRole() {
        guard let myself = cluster?.myself else { return }
        if myself.isReplica, let master = myself.master, !master.ip.isEmpty, master.port > 0 {
            replicationSetMaster(host: master.ip, port: master.port)
        } else if myself.isMaster && replication.master != nil {
            replicationUnsetMaster()
        }
    }

    /// addReplyHelp: the subcommands' help, as redis-server prints it.
}

/// What the engine asks of the cluster bus; the server carries it out at
/// once, on the engine's loop, and reports back through the bus entry
/// points (busLinkConnected, busReceived, busLinkClosed).
public enum BusAction: Equatable, Sendable {
    /// Open link `link` to a node's bus port.
    case connect(link: Int, ip: String, port: Int)
    case send(link: Int, bytes: [UInt8])
    case close(link: Int)
}

extension NodeEngine {
    /// verifyClusterConfigWithData, once the dataset is loaded: a master's keys
    /// in a slot nobody owns make it the owner, keys in another node's slot
    /// put that slot in importing state. nil, or why the node cannot start.
    public func verifyClusterConfigWithData() -> String? {
        guard let cluster, !cluster.myself.isReplica else { return nil }
        guard databases.dropFirst().allSatisfy({ $0.count == 0 }) else {
            return "You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting."
        }
        guard databases[0].count > 0 else { return nil }
        var changed = false
        for slot in 0..<HashSlot.count where keysInSlot(slot) > 0 {
            if cluster.slotOwner[slot] === cluster.myself || cluster.importingFrom[slot] != nil { continue }
            changed = true
            if let owner = cluster.slotOwner[slot] {
                log(.warning, "I have keys for slot \(slot), but the slot is assigned to another node. Setting it to importing state.")
                cluster.importingFrom[slot] = owner
            } else {
                log(.warning, "I have keys for unassigned slot \(slot). Taking responsibility for it.")
                cluster.addSlot(slot, to: cluster.myself)
            }
        }
        guard changed else { return nil }
        cluster.needsSave = true
        cluster.needsStateUpdate = true
        return saveClusterConfig().map { "Fatal: can't update cluster config file. (\($0))" }
    }
}
