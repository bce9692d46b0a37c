import ClusterBus
import ClusterModel

/// This node's view of the cluster: redis-server's clusterState. The nodes
/// it knows, who owns each slot, slots open for migration, the epochs, and
/// whether the cluster is ok. No sockets: the bus logic and the commands
/// change it; the server persists `configText` when `needsSave` is set.
final class ClusterState {
    private(set) var myself: ClusterNode
    private(set) var nodes: [String: ClusterNode] = [:]
    /// Every node, myself and handshakes included, in the order they were learned (stable output).
    private(set) var knownNodes: [ClusterNode] = []
    var slotOwner = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var migratingTo = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var importingFrom = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var currentEpoch: UInt64 = 0
    var lastVoteEpoch: UInt64 = 0
    var isOK = false
    /// Masters that serve at least one slot.
    var size = 1
    /// FORGET: IDs gossip may not add back before the given Unix second.
    var blacklist: [String: Int64] = [:]
    var messagesSent = [Int64](repeating: 0, count: ClusterMessageType.count)
    var messagesReceived = [Int64](repeating: 0, count: ClusterMessageType.count)
    /// The bus links by ID, and the next ID to give.
    var links: [Int: ClusterBusLink] = [:]
    var nextLinkID = 1
    /// total_cluster_links_buffer_limit_exceeded.
    var linksOverSendLimit = 0
    /// Nodes seen possibly failing in the last cron run (they go in every gossip).
    var possiblyFailingCount = 0
    /// Bumped per PING built, so one node goes in a message's gossip once.
    var gossipRound: UInt64 = 0
    /// The last cron run's number (a ping to the oldest pong every 10th).
    var cronIteration: UInt64 = 0
    /// Slots whose owner stopped claiming them (clusterUpdateSlotsConfigWith).
    var ownerNotClaiming = SlotBitmap()
    /// Set by every change nodes.conf must keep (each save is fsynced).
    var needsSave = false
    /// Set by changes that may turn the state ok or fail (clusterUpdateState before sleep).
    var needsStateUpdate = false
    /// A replica's election and a manual failover; set when a vote came or
    /// the master's offset is reached, so the election goes on before sleeping.
    var failover = FailoverState()
    var needsFailoverCheck = false
    /// When the cluster first evaluated its state, and when it last found
    /// itself among a minority (clusterUpdateState's statics).
    private var firstStateCheck: Int64 = 0
    private var amongMinoritySince: Int64 = 0
    /// Started without a nodes.conf: nothing stale to let the cluster correct,
    /// so no CLUSTER_WRITABLE_DELAY (see updateState).
    var startedFresh = false

    init(myselfID: String, now: Int64) {
        myself = ClusterNode(id: myselfID, flags: [.myself, .master], createdAt: now)
        add(myself)
    }

    // MARK: Nodes

    func node(_ id: String) -> ClusterNode? { nodes[id] }

    func node(_ id: [UInt8]) -> ClusterNode? {
        guard id.count == 40 else { return nil }
        return nodes[String(decoding: id, as: UTF8.self)]
    }

    func add(_ node: ClusterNode) {
        nodes[node.id] = node
        knownNodes.append(node)
    }

    /// clusterDelNode: its slots unassigned, its reports dropped, unlinked.
    func remove(_ node: ClusterNode) {
        for slot in 0..<HashSlot.count {
            if importingFrom[slot] === node { importingFrom[slot] = nil }
            if migratingTo[slot] === node { migratingTo[slot] = nil }
            if slotOwner[slot] === node { deleteSlot(slot) }
        }
        for other in knownNodes where other !== node { other.failureReports[ObjectIdentifier(node)] = nil }
        for replica in node.replicas { replica.master = nil }
        if node.isReplica, let master = node.master { master.removeReplica(node) }
        nodes[node.id] = nil
        knownNodes.removeAll { $0 === node }
    }

    /// A handshake node gets the ID its PONG announced; myself a new one on RESET HARD.
    func rename(_ node: ClusterNode, to id: String) {
        nodes[node.id] = nil
        node.id = id
        nodes[id] = node
    }

    // MARK: Slots

    @discardableResult
    func addSlot(_ slot: Int, to node: ClusterNode) -> Bool {
        guard slotOwner[slot] == nil else { return false }
        if !node.slots[slot] {
            node.slots[slot] = true
            node.slotCount += 1
            if node.slotCount == 1 && mastersHaveReplicas { node.flags.insert(.migrateTo) }
        }
        slotOwner[slot] = node
        return true
    }

    @discardableResult
    func deleteSlot(_ slot: Int) -> Bool {
        guard let owner = slotOwner[slot] else { return false }
        if owner.slots[slot] {
            owner.slots[slot] = false
            owner.slotCount -= 1
        }
        slotOwner[slot] = nil
        return true
    }

    private var mastersHaveReplicas: Bool { knownNodes.contains { $0.isMaster && !$0.replicas.isEmpty } }

    /// Contiguous runs of the slots `node` owns, as (start, end) pairs.
    func slotRanges(of node: ClusterNode) -> [(Int, Int)] {
        var ranges: [(Int, Int)] = []
        var start = -1
        for slot in 0...HashSlot.count {
            let owned = slot < HashSlot.count && node.slots[slot]
            if owned && start < 0 { start = slot }
            if !owned && start >= 0 {
                ranges.append((start, slot - 1))
                start = -1
            }
        }
        return ranges
    }

    func closeAllSlots() {
        migratingTo = [ClusterNode?](repeating: nil, count: HashSlot.count)
        importingFrom = [ClusterNode?](repeating: nil, count: HashSlot.count)
    }

    // MARK: Epochs and roles

    var maxEpoch: UInt64 { max(knownNodes.map(\.configEpoch).max() ?? 0, currentEpoch) }

    /// clusterBumpConfigEpochWithoutConsensus: true when it bumped.
    @discardableResult
    func bumpEpochWithoutConsensus() -> Bool {
        let highest = maxEpoch
        guard myself.configEpoch == 0 || myself.configEpoch != highest else { return false }
        currentEpoch += 1
        myself.configEpoch = currentEpoch
        markChanged()
        return true
    }

    /// clusterSetMaster: myself becomes a replica of `master`.
    func setMaster(_ master: ClusterNode) {
        if myself.isMaster {
            myself.flags.remove([.master, .migrateTo])
            myself.flags.insert(.replica)
            closeAllSlots()
        } else if let old = myself.master {
            old.removeReplica(myself)
        }
        myself.master = master
        master.addReplica(myself)
    }

    /// clusterSetNodeAsMaster.
    func setAsMaster(_ node: ClusterNode) {
        guard !node.isMaster else { return }
        if let master = node.master {
            master.removeReplica(node)
            if node !== myself { node.flags.insert(.migrateTo) }
        }
        node.flags.remove(.replica)
        node.flags.insert(.master)
        node.master = nil
        markChanged()
    }

    /// clusterReset: forget every other node and every slot; HARD also zeroes
    /// the epochs and takes a new ID.
    func reset(hard: Bool, newID: String) {
        if myself.isReplica { setAsMaster(myself) }
        closeAllSlots()
        for slot in 0..<HashSlot.count { deleteSlot(slot) }
        for node in knownNodes where node !== myself { remove(node) }
        if hard {
            currentEpoch = 0
            lastVoteEpoch = 0
            myself.configEpoch = 0
            rename(myself, to: newID)
        }
        markChanged()
    }

    func markChanged() {
        needsSave = true
    }

    // MARK: State

    /// clusterUpdateState: ok unless slots are unserved (with full coverage
    /// required) or this node sits in a minority of the slot-owning masters.
    /// Returns whether the state changed.
    @discardableResult
    func updateState(now: Int64, requireFullCoverage: Bool, nodeTimeout: Int64) -> Bool {
        if firstStateCheck == 0 { firstStateCheck = now }
        // CLUSTER_WRITABLE_DELAY: a master rebooted from its nodes.conf waits 2 s, so the
        // cluster can reconfigure it before it takes writes. A node that started with no
        // configuration has none to correct: it skips the wait (redis-server does not),
        // which is what lets a new local cluster be ok in well under a second.
        if myself.isMaster && !isOK && !startedFresh && now - firstStateCheck < 2000 { return false }
        var ok = true
        if requireFullCoverage {
            ok = !slotOwner.contains { $0 == nil || $0!.hasFailed }
        }
        var reachable = 0
        size = 0
        for node in knownNodes where node.isMaster && node.slotCount > 0 {
            size += 1
            if !node.flags.contains(.failing) && !node.flags.contains(.possiblyFailing) { reachable += 1 }
        }
        if reachable < size / 2 + 1 {
            ok = false
            amongMinoritySince = now
        }
        guard ok != isOK else { return false }
        let rejoinDelay = min(max(nodeTimeout, 500), 5000)
        if ok && myself.isMaster && now - amongMinoritySince < rejoinDelay { return false }
        isOK = ok
        return true
    }
}
