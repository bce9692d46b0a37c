import ClusterBus
import ClusterModel

/// A replica's election and a manual failover in progress: clusterState's
/// failover_auth_* and mf_* fields.
struct FailoverState {
    enum CantFailover: Equatable {
        case none, dataAge, waitingDelay, expired, waitingVotes
    }

    /// When the election may start (Unix ms, 0: none scheduled), the votes
    /// it got, whether the request went out, the rank that delayed it, and
    /// the epoch it asked votes for.
    var authTime: Int64 = 0
    var authCount = 0
    var authSent = false
    var authRank = 0
    var authEpoch: UInt64 = 0
    var cantFailoverReason = CantFailover.none
    /// Unix seconds of the last "Currently unable to failover" line.
    var lastCantFailoverLog: Int64 = 0

    /// CLUSTER FAILOVER: until when it may go on (Unix ms, 0: none), whether
    /// the election may start, on a master the replica that asked (its
    /// clients are paused for it), and on the replica the master's offset
    /// once the master is paused (-1: not yet known).
    var manualEnd: Int64 = 0
    var manualCanStart = false
    weak var manualReplica: ClusterNode?
    var manualMasterOffset: Int64 = -1

    /// CLUSTER_MF_TIMEOUT, and the master's pause: twice that.
    static let manualTimeout: Int64 = 5000
}

/// clusterHandleSlaveFailover and its parts, the masters' votes, and
/// CLUSTER FAILOVER, as cluster.c 7.0.15 runs them.
extension NodeEngine {
    /// clusterUpdateMyselfFlags: cluster-replica-no-failover shows as myself's nofailover flag.
    func updateMyselfFlags() {
        guard let cluster else { return }
        let before = cluster.myself.flags
        if config.bool("cluster-replica-no-failover") { cluster.myself.flags.insert(.noFailover) } else { cluster.myself.flags.remove(.noFailover) }
        if cluster.myself.flags != before {
            cluster.markChanged()
            cluster.needsStateUpdate = true
        }
    }

    // MARK: The replica's election

    /// clusterHandleSlaveFailover: called from the cron and, when something
    /// changed (a vote came, the offset is reached), before sleeping.
    func handleReplicaFailover() {
        guard let cluster else { return }
        let myself = cluster.myself
        let timeout = clusterNodeTimeout
        let manual = cluster.failover.manualEnd != 0 && cluster.failover.manualCanStart
        let authTimeout = max(timeout * 2, 2000)
        let authRetryTime = authTimeout * 2
        guard myself.isReplica, let master = myself.master, master.hasFailed || manual,
              !config.bool("cluster-replica-no-failover") || manual, master.slotCount > 0 else {
            cluster.failover.cantFailoverReason = .none
            return
        }
        var dataAge = masterDataAge()
        if dataAge > timeout { dataAge -= timeout }
        let validity = config.integer("cluster-replica-validity-factor")
        if validity > 0 && dataAge > config.integer("repl-ping-replica-period") * 1000 + timeout * validity && !manual {
            logCantFailover(.dataAge)
            return
        }
        let authAge = now - cluster.failover.authTime
        if authAge > authRetryTime {
            cluster.failover.authTime = now + 500 + Int64(random.next() % 500)
            cluster.failover.authCount = 0
            cluster.failover.authSent = false
            cluster.failover.authRank = replicaRank()
            cluster.failover.authTime += Int64(cluster.failover.authRank) * 1000
            if cluster.failover.manualEnd != 0 {
                cluster.failover.authTime = now
                cluster.failover.authRank = 0
                cluster.needsFailoverCheck = true
            }
            log(.notice, "Start of election delayed for \(cluster.failover.authTime - now) milliseconds (rank #\(cluster.failover.authRank), offset \(replication.offset)).")
            broadcastPongToLocalReplicas()
            return
        }
        if !cluster.failover.authSent && cluster.failover.manualEnd == 0 {
            let rank = replicaRank()
            if rank > cluster.failover.authRank {
                let added = Int64(rank - cluster.failover.authRank) * 1000
                cluster.failover.authTime += added
                cluster.failover.authRank = rank
                log(.notice, "Replica rank updated to #\(rank), added \(added) milliseconds of delay.")
            }
        }
        if now < cluster.failover.authTime {
            logCantFailover(.waitingDelay)
            return
        }
        if authAge > authTimeout {
            logCantFailover(.expired)
            return
        }
        if !cluster.failover.authSent {
            cluster.currentEpoch += 1
            cluster.failover.authEpoch = cluster.currentEpoch
            log(.notice, "Starting a failover election for epoch \(cluster.currentEpoch).")
            requestFailoverAuth()
            cluster.failover.authSent = true
            cluster.markChanged()
            cluster.needsStateUpdate = true
            return
        }
        if cluster.failover.authCount >= cluster.size / 2 + 1 {
            log(.notice, "Failover election won: I'm the new master.")
            if myself.configEpoch < cluster.failover.authEpoch {
                myself.configEpoch = cluster.failover.authEpoch
                log(.notice, "configEpoch set to \(myself.configEpoch) after successful failover")
            }
            failoverReplaceYourMaster()
        } else {
            logCantFailover(.waitingVotes)
        }
    }

    /// How old this replica's copy is: since the master last spoke on a live
    /// link, or since the link went down ("ever" if it never came up).
    private func masterDataAge() -> Int64 {
        guard let link = replication.master else { return Int64.max / 4 }
        if link.state == .connected { return (now / 1000 - link.lastIO / 1000) * 1000 }
        guard let downSince = link.downSince else { return Int64.max / 4 }
        return (now / 1000 - downSince / 1000) * 1000
    }

    /// clusterGetSlaveRank: how many replicas of the same master (able to
    /// fail over) have processed more of its stream than this one.
    func replicaRank() -> Int {
        guard let cluster, let master = cluster.myself.master else { return 0 }
        let mine = replication.offset
        return master.replicas.filter { $0 !== cluster.myself && !$0.flags.contains(.noFailover) && $0.replicationOffset > mine }.count
    }

    /// clusterLogCantFailover: each reason once, again after 10 s, and not
    /// in the first node-timeout + 5 s of the master's failure.
    private func logCantFailover(_ reason: FailoverState.CantFailover) {
        guard let cluster else { return }
        let second = clock.milliseconds() / 1000
        if reason == cluster.failover.cantFailoverReason && second - cluster.failover.lastCantFailoverLog < 10 { return }
        cluster.failover.cantFailoverReason = reason
        if let master = cluster.myself.master, master.hasFailed, now - master.failTime < clusterNodeTimeout + 5000 { return }
        let message = switch reason {
        case .dataAge: "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option."
        case .waitingDelay: "Waiting the delay before I can start a new failover."
        case .expired: "Failover attempt expired."
        case .waitingVotes: "Waiting for votes, but majority still not reached."
        case .none: "Unknown reason code."
        }
        cluster.failover.lastCantFailoverLog = second
        log(.warning, "Currently unable to failover: \(message)")
    }

    /// clusterRequestFailoverAuth: to every node; a manual failover asks masters to vote though the master is up.
    private func requestFailoverAuth() {
        guard let cluster else { return }
        var header = messageHeader(.failoverAuthRequest)
        if cluster.failover.manualEnd != 0 { header.messageFlags |= ClusterMessage.flagForceAck }
        broadcast(ClusterMessage(header: header, body: .empty))
    }

    /// A master's vote came (FAILOVER_AUTH_ACK).
    func failoverAuthAcknowledged(by sender: ClusterNode, currentEpoch: UInt64) {
        guard let cluster, sender.isMaster, sender.slotCount > 0, currentEpoch >= cluster.failover.authEpoch else { return }
        cluster.failover.authCount += 1
        cluster.needsFailoverCheck = true
    }

    /// clusterFailoverReplaceYourMaster: myself a master with the old
    /// master's slots, said to everyone at once.
    func failoverReplaceYourMaster() {
        guard let cluster, cluster.myself.isReplica, let old = cluster.myself.master else { return }
        let myself = cluster.myself
        cluster.setAsMaster(myself)
        replicationUnsetMaster()
        for slot in 0..<HashSlot.count where old.slots[slot] {
            cluster.deleteSlot(slot)
            cluster.addSlot(slot, to: myself)
        }
        updateClusterState()
        cluster.markChanged()
        flushClusterConfigOrDie()
        clusterBroadcastPong()
        resetManualFailover()
    }

    /// clusterBroadcastPong(LOCAL_SLAVES): the other replicas of my master learn my offset (their rank).
    private func broadcastPongToLocalReplicas() {
        guard let myself = cluster?.myself else { return }
        clusterBroadcastPong { node in node.isReplica && node.master != nil && (node.master === myself || node.master === myself.master) }
    }

    // MARK: A master's vote

    /// clusterSendFailoverAuthIfNeeded: one vote per epoch, none for a
    /// master that is up (unless forced by a manual failover), none twice
    /// for the same master within 2 x node-timeout, none for slots a newer
    /// epoch owns.
    func voteForFailoverIfNeeded(_ node: ClusterNode, _ request: ClusterMessage.Header) {
        guard let cluster, cluster.myself.isMaster, cluster.myself.slotCount > 0 else { return }
        let timeout = clusterNodeTimeout
        if request.currentEpoch < cluster.currentEpoch {
            return log(.warning, "Failover auth denied to \(node.id): reqEpoch (\(request.currentEpoch)) < curEpoch(\(cluster.currentEpoch))")
        }
        if cluster.lastVoteEpoch == cluster.currentEpoch {
            return log(.warning, "Failover auth denied to \(node.id): already voted for epoch \(cluster.currentEpoch)")
        }
        let forced = request.messageFlags & ClusterMessage.flagForceAck != 0
        guard node.isReplica, let master = node.master, master.hasFailed || forced else {
            if node.isMaster {
                log(.warning, "Failover auth denied to \(node.id): it is a master node")
            } else if node.master == nil {
                log(.warning, "Failover auth denied to \(node.id): I don't know its master")
            } else {
                log(.warning, "Failover auth denied to \(node.id): its master is up")
            }
            return
        }
        if now - master.votedTime < timeout * 2 {
            return log(.warning, "Failover auth denied to \(node.id): can't vote about this master before \(timeout * 2 - (now - master.votedTime)) milliseconds")
        }
        let claimed = SlotBitmap(bytes: request.slots) ?? SlotBitmap()
        for slot in 0..<HashSlot.count where claimed[slot] {
            guard let owner = cluster.slotOwner[slot], !cluster.ownerNotClaiming[slot], owner.configEpoch > request.configEpoch else { continue }
            return log(.warning, "Failover auth denied to \(node.id): slot \(slot) epoch (\(owner.configEpoch)) > reqEpoch (\(request.configEpoch))")
        }
        cluster.lastVoteEpoch = cluster.currentEpoch
        master.votedTime = now
        cluster.markChanged()
        if let link = outboundLink(of: node) { send(ClusterMessage(header: messageHeader(.failoverAuthAck), body: .empty), on: link) }
        log(.warning, "Failover auth granted to \(node.id) for epoch \(cluster.currentEpoch)")
    }

    // MARK: Manual failover

    /// resetManualFailover: a master's paused clients go on.
    func resetManualFailover() {
        guard let cluster else { return }
        if cluster.failover.manualReplica != nil && pauseUntil > 0 && !pauseAll { unpause() }
        cluster.failover.manualEnd = 0
        cluster.failover.manualCanStart = false
        cluster.failover.manualReplica = nil
        cluster.failover.manualMasterOffset = -1
    }

    /// manualFailoverCheckTimeout.
    func manualFailoverCheckTimeout() {
        guard let cluster, cluster.failover.manualEnd != 0, cluster.failover.manualEnd < now else { return }
        log(.warning, "Manual failover timed out.")
        resetManualFailover()
    }

    /// clusterHandleManualFailover: the election may start once this replica
    /// has processed the paused master's whole stream.
    func handleManualFailover() {
        guard let cluster, cluster.failover.manualEnd != 0, !cluster.failover.manualCanStart,
              cluster.failover.manualMasterOffset != -1 else { return }
        if cluster.failover.manualMasterOffset == replication.offset {
            cluster.failover.manualCanStart = true
            log(.warning, "All master replication stream processed, manual failover can start.")
        }
        cluster.needsFailoverCheck = true
    }

    /// clusterSendMFStart: my master is asked to pause for me.
    func sendManualFailoverStart(to master: ClusterNode) {
        guard let link = outboundLink(of: master) else { return }
        send(ClusterMessage(header: messageHeader(.manualFailoverStart), body: .empty), on: link)
    }

    /// MFSTART from a replica of mine: its writers are paused (writes only)
    /// for twice the timeout, and it is pinged with my offset.
    func manualFailoverRequested(by sender: ClusterNode, on link: ClusterBusLink) {
        guard let cluster, sender.master === cluster.myself else { return }
        resetManualFailover()
        cluster.failover.manualEnd = now + FailoverState.manualTimeout
        cluster.failover.manualReplica = sender
        let end = now + FailoverState.manualTimeout * 2
        if end > pauseUntil {
            pauseUntil = end
            onBlock?(end)
        }
        log(.notice, "Manual failover requested by replica \(sender.id).")
        if let outbound = outboundLink(of: sender) { sendPing(outbound, .ping) } else { sendPing(link, .ping) }
    }

    /// A ping of my master's while it is paused for my manual failover: the offset to reach.
    func masterOffsetForManualFailover(from sender: ClusterNode, _ header: ClusterMessage.Header) {
        guard let cluster, cluster.failover.manualEnd != 0, cluster.myself.isReplica, cluster.myself.master === sender,
              header.messageFlags & ClusterMessage.flagPaused != 0, cluster.failover.manualMasterOffset == -1 else { return }
        cluster.failover.manualMasterOffset = sender.replicationOffset
        cluster.needsFailoverCheck = true
        log(.warning, "Received replication offset for paused master manual failover: \(cluster.failover.manualMasterOffset)")
    }
}
