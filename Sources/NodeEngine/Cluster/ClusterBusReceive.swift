import ClusterBus
import ClusterModel

/// clusterProcessPacket: what one message from a link changes.
extension NodeEngine {
    func process(_ frame: [UInt8], on link: ClusterBusLink) {
        guard let cluster else { return }
        if frame.count >= 14 {
            let type = Int(UInt16(frame[12]) << 8 | UInt16(frame[13]))
            if type < ClusterMessageType.count { cluster.messagesReceived[type] += 1 }
        }
        let message: ClusterMessage
        do {
            message = try ClusterMessage.decode(frame)
        } catch .unsupportedVersion {
            return  // 7.0 ignores other protocol versions silently
        } catch {
            log(.warning, "Received \(error) from \(link.peerIP)")
            return
        }
        let header = message.header
        if faults.isPartitioned(from: header.sender) { return }
        guard let type = header.knownType else {
            log(.warning, "Received unknown packet type: \(header.type)")
            return
        }
        let sender = senderNode(of: header, on: link)
        if let sender { sender.dataReceived = now }
        if let sender, !sender.inHandshake {
            if header.currentEpoch > cluster.currentEpoch { cluster.currentEpoch = header.currentEpoch }
            if header.configEpoch > sender.configEpoch {
                sender.configEpoch = header.configEpoch
                cluster.markChanged()
            }
            sender.replicationOffset = Int64(clamping: header.offset)
            masterOffsetForManualFailover(from: sender, header)
        }
        switch type {
        case .ping, .pong, .meet:
            guard case .gossip(let gossip, let extensions) = message.body else { return }
            processPing(type, header, gossip, extensions, sender: sender, on: link)
        case .fail:
            guard case .fail(let id) = message.body else { return }
            guard sender != nil else {
                log(.notice, "Ignoring FAIL message from unknown node \(header.sender) about \(id)")
                return
            }
            if let failing = cluster.node(id), !failing.hasFailed, !failing.isMyself {
                log(.notice, "FAIL message received from \(header.sender) about \(id)")
                failing.flags.insert(.failing)
                failing.failTime = now
                failing.flags.remove(.possiblyFailing)
                clusterChanged()
            }
        case .publish, .publishShard:
            guard sender != nil, case .publish(let channel, let payload) = message.body else { return }
            deliverPublished(channel: channel, message: payload, sharded: type == .publishShard)
        case .update:
            guard sender != nil, case .update(let epoch, let id, let slots) = message.body,
                  let node = cluster.node(id), node.configEpoch < epoch else { return }
            if node.isReplica { cluster.setAsMaster(node) }
            node.configEpoch = epoch
            cluster.markChanged()
            updateSlots(of: node, epoch: epoch, claimed: SlotBitmap(bytes: slots) ?? SlotBitmap())
        case .failoverAuthRequest:
            guard let sender else { return }
            voteForFailoverIfNeeded(sender, header)
        case .failoverAuthAck:
            guard let sender else { return }
            failoverAuthAcknowledged(by: sender, currentEpoch: header.currentEpoch)
        case .manualFailoverStart:
            guard let sender else { return }
            manualFailoverRequested(by: sender, on: link)
        case .module:
            break  // no modules
        }
    }

    /// getNodeFromLinkAndMsg: the link's node once known, else by the
    /// header's ID (binding an inbound link to it).
    private func senderNode(of header: ClusterMessage.Header, on link: ClusterBusLink) -> ClusterNode? {
        if let node = link.node, !node.inHandshake { return node }
        guard let sender = cluster?.node(header.sender) else { return nil }
        if link.node == nil && !link.outbound { bindInbound(link, to: sender) }
        return sender
    }

    private func processPing(_ type: ClusterMessageType, _ header: ClusterMessage.Header, _ gossip: [GossipEntry],
                             _ extensions: [PingExtension], sender: ClusterNode?, on link: ClusterBusLink) {
        guard let cluster else { return }
        let myself = cluster.myself
        if type == .ping || type == .meet {
            if (type == .meet || myself.ip.isEmpty) && config["cluster-announce-ip"].isEmpty,
               !link.localIP.isEmpty, link.localIP != myself.ip {
                myself.ip = link.localIP
                log(.warning, "IP address for this node updated to \(myself.ip)")
                cluster.markChanged()
            }
            if sender == nil && type == .meet {
                let node = ClusterNode(id: randomNodeID(), flags: [.handshake], createdAt: now)
                node.ip = header.myIP.isEmpty ? link.peerIP : header.myIP
                node.port = Int(header.port)
                node.plaintextPort = Int(header.plaintextPort)
                node.busPort = Int(header.busPort)
                cluster.add(node)
                cluster.markChanged()
                processGossip(gossip, sender: nil, on: link)
            }
            sendPing(link, .pong)
        }
        if link.outbound, let linkNode = link.node {
            if linkNode.inHandshake {
                if let sender {
                    if updateAddress(of: sender, from: header, on: link) { clusterChanged() }
                    deleteNode(linkNode)
                    return
                }
                cluster.rename(linkNode, to: header.sender)
                linkNode.flags.remove(.handshake)
                linkNode.flags.formUnion(ClusterNodeFlags(rawValue: header.flags).intersection([.master, .replica]))
                cluster.markChanged()
            } else if linkNode.id != header.sender {
                linkNode.flags.insert(.noAddress)
                linkNode.ip = ""
                linkNode.port = 0
                linkNode.plaintextPort = 0
                linkNode.busPort = 0
                freeLink(link)
                cluster.markChanged()
                return
            }
        }
        if let sender {
            sender.flags.remove(.noFailover)
            sender.flags.formUnion(ClusterNodeFlags(rawValue: header.flags).intersection(.noFailover))
            if type == .ping && !sender.inHandshake && updateAddress(of: sender, from: header, on: link) { clusterChanged() }
        }
        if link.outbound && type == .pong, let node = link.node {
            node.pongReceived = now
            node.pingSent = 0
            if node.timedOut {
                node.flags.remove(.possiblyFailing)
                clusterChanged()
            } else if node.hasFailed {
                clearFailureIfNeeded(node)
            }
        }
        guard let sender else { return }
        if let masterID = header.replicaOf {
            let master = cluster.node(masterID)
            if sender.isMaster {
                for slot in 0..<HashSlot.count where cluster.slotOwner[slot] === sender { cluster.deleteSlot(slot) }
                sender.flags.remove([.master, .migrateTo])
                sender.flags.insert(.replica)
                clusterChanged()
            }
            if let master, sender.master !== master {
                sender.master?.removeReplica(sender)
                master.addReplica(sender)
                sender.master = master
                cluster.markChanged()
            }
        } else {
            cluster.setAsMaster(sender)
            cluster.needsStateUpdate = true
        }
        let senderMaster = sender.isMaster ? sender : sender.master
        let claimed = SlotBitmap(bytes: header.slots) ?? SlotBitmap()
        let dirtySlots = senderMaster.map { $0.slots != claimed } ?? false
        if sender.isMaster && dirtySlots { updateSlots(of: sender, epoch: header.configEpoch, claimed: claimed) }
        if dirtySlots {
            for slot in 0..<HashSlot.count where claimed[slot] {
                guard let owner = cluster.slotOwner[slot], owner !== sender, !cluster.ownerNotClaiming[slot] else { continue }
                if owner.configEpoch > header.configEpoch {
                    log(.verbose, "Node \(sender.id) has old slots configuration, sending an UPDATE message about \(owner.id)")
                    sendUpdate(on: sender.outboundLink.flatMap { cluster.links[$0] }, about: owner)
                    break
                }
            }
        }
        if myself.isMaster && sender.isMaster && header.configEpoch == myself.configEpoch {
            handleConfigEpochCollision(with: sender)
        }
        processGossip(gossip, sender: sender, on: link)
        var hostname: String?
        for ext in extensions {
            switch ext {
            case .hostname(let name): hostname = name
            case .other(let extType, _): log(.warning, "Received unknown extension type \(extType)")
            }
        }
        sender.hostname = hostname ?? ""
    }

    /// nodeUpdateAddressIfNeeded: a known node seen at a new address.
    private func updateAddress(of node: ClusterNode, from header: ClusterMessage.Header, on link: ClusterBusLink) -> Bool {
        if node.outboundLink == link.id { return false }
        let ip = header.myIP.isEmpty ? link.peerIP : header.myIP
        guard !ip.isEmpty else { return false }
        if node.port == Int(header.port) && node.busPort == Int(header.busPort)
            && node.plaintextPort == Int(header.plaintextPort) && node.ip == ip { return false }
        node.ip = ip
        node.port = Int(header.port)
        node.plaintextPort = Int(header.plaintextPort)
        node.busPort = Int(header.busPort)
        if let id = node.outboundLink, let outbound = cluster?.links[id] { freeLink(outbound) }
        node.flags.remove(.noAddress)
        log(.warning, "Address updated for node \(node.id), now \(node.ip):\(node.port)")
        return true
    }

    /// clusterProcessGossipSection.
    private func processGossip(_ gossip: [GossipEntry], sender: ClusterNode?, on link: ClusterBusLink) {
        guard let cluster else { return }
        let sender = link.node ?? sender
        for entry in gossip {
            let flags = ClusterNodeFlags(rawValue: entry.flags)
            let failingFlags: ClusterNodeFlags = [.failing, .possiblyFailing]
            if let node = cluster.node(entry.nodeID) {
                if let sender, sender.isMaster, !node.isMyself {
                    if !flags.isDisjoint(with: failingFlags) {
                        if node.failureReports[ObjectIdentifier(sender)] == nil {
                            log(.verbose, "Node \(sender.id) reported node \(node.id) as not reachable.")
                        }
                        node.failureReports[ObjectIdentifier(sender)] = (sender, now)
                        markFailingIfNeeded(node)
                    } else if node.failureReports.removeValue(forKey: ObjectIdentifier(sender)) != nil {
                        log(.verbose, "Node \(sender.id) reported node \(node.id) is back online.")
                    }
                }
                if flags.isDisjoint(with: failingFlags) && node.pingSent == 0 && validFailureReports(node) == 0 {
                    let pongTime = Int64(entry.pongReceived) * 1000
                    if pongTime <= now + 500 && pongTime > node.pongReceived { node.pongReceived = pongTime }
                }
                if !node.flags.isDisjoint(with: failingFlags) && !flags.contains(.noAddress) && flags.isDisjoint(with: failingFlags)
                    && (node.ip.lowercased() != entry.ip.lowercased() || node.port != Int(entry.port) || node.busPort != Int(entry.busPort)) {
                    if let id = node.outboundLink, let outbound = cluster.links[id] { freeLink(outbound) }
                    node.ip = entry.ip
                    node.port = Int(entry.port)
                    node.plaintextPort = Int(entry.plaintextPort)
                    node.busPort = Int(entry.busPort)
                    node.flags.remove(.noAddress)
                }
            } else if sender != nil, !flags.contains(.noAddress), !isBlacklisted(entry.nodeID) {
                let node = ClusterNode(id: entry.nodeID, flags: flags, createdAt: now)
                node.ip = entry.ip
                node.port = Int(entry.port)
                node.plaintextPort = Int(entry.plaintextPort)
                node.busPort = Int(entry.busPort)
                cluster.add(node)
            }
        }
    }

    private func isBlacklisted(_ id: String) -> Bool {
        guard let cluster else { return false }
        let second = now / 1000
        cluster.blacklist = cluster.blacklist.filter { $0.value >= second }
        return cluster.blacklist[id] != nil
    }

    /// markNodeAsFailingIfNeeded: PFAIL becomes FAIL with a majority of masters.
    func markFailingIfNeeded(_ node: ClusterNode) {
        guard let cluster, node.timedOut, !node.hasFailed else { return }
        var failures = validFailureReports(node)
        if cluster.myself.isMaster { failures += 1 }
        guard failures >= cluster.size / 2 + 1 else { return }
        log(.notice, "Marking node \(node.id) as failing (quorum reached).")
        node.flags.remove(.possiblyFailing)
        node.flags.insert(.failing)
        node.failTime = now
        sendFail(about: node)
        clusterChanged()
    }

    /// clearNodeFailureIfNeeded.
    private func clearFailureIfNeeded(_ node: ClusterNode) {
        if node.isReplica || node.slotCount == 0 {
            log(.notice, "Clear FAIL state for node \(node.id): \(node.isReplica ? "replica" : "master without slots") is reachable again.")
            node.flags.remove(.failing)
            clusterChanged()
        }
        if node.isMaster && node.slotCount > 0 && now - node.failTime > clusterNodeTimeout * 2 {
            log(.notice, "Clear FAIL state for node \(node.id): is reachable again and nobody is serving its slots after some time.")
            node.flags.remove(.failing)
            clusterChanged()
        }
    }

    /// clusterHandleConfigEpochCollision: the smaller ID moves on.
    private func handleConfigEpochCollision(with sender: ClusterNode) {
        guard let cluster else { return }
        let myself = cluster.myself
        guard sender.configEpoch == myself.configEpoch, sender.isMaster, myself.isMaster, sender.id > myself.id else { return }
        cluster.currentEpoch += 1
        myself.configEpoch = cluster.currentEpoch
        cluster.markChanged()
        clusterBeforeSleep()
        log(.verbose, "WARNING: configEpoch collision with node \(sender.id). configEpoch set to \(myself.configEpoch)")
    }

    /// clusterUpdateSlotsConfigWith: slots `sender` claims with a newer epoch move to it.
    func updateSlots(of sender: ClusterNode, epoch: UInt64, claimed: SlotBitmap) {
        guard let cluster else { return }
        let myself = cluster.myself
        guard sender !== myself else {
            log(.warning, "Discarding UPDATE message about myself.")
            return
        }
        let currentMaster = myself.isMaster ? myself : myself.master
        var dirtySlots: [Int] = []
        var senderSlots = 0, migratedOurSlots = 0
        var newMaster: ClusterNode?
        for slot in 0..<HashSlot.count {
            if claimed[slot] {
                senderSlots += 1
                if cluster.slotOwner[slot] === sender {
                    cluster.ownerNotClaiming[slot] = false
                    continue
                }
                if cluster.importingFrom[slot] != nil { continue }
                let owner = cluster.slotOwner[slot]
                if owner == nil || cluster.ownerNotClaiming[slot] || owner!.configEpoch < epoch {
                    if owner === myself && keysInSlot(slot) > 0 { dirtySlots.append(slot) }
                    if owner != nil && owner === currentMaster {
                        newMaster = sender
                        migratedOurSlots += 1
                    }
                    cluster.deleteSlot(slot)
                    cluster.addSlot(slot, to: sender)
                    cluster.ownerNotClaiming[slot] = false
                    cluster.markChanged()
                    cluster.needsStateUpdate = true
                }
            } else if cluster.slotOwner[slot] === sender {
                cluster.ownerNotClaiming[slot] = true
            }
        }
        if newMaster != nil, let currentMaster, currentMaster.slotCount == 0,
           config.bool("cluster-allow-replica-migration") || senderSlots == migratedOurSlots {
            log(.warning, "Configuration change detected. Reconfiguring myself as a replica of \(sender.id)")
            becomeReplica(of: sender)
            cluster.markChanged()
            cluster.needsStateUpdate = true
        } else if let master = myself.master, let grandmaster = master.master, grandmaster !== myself {
            log(.warning, "I'm a sub-replica! Reconfiguring myself as a replica of grandmaster \(grandmaster.id)")
            becomeReplica(of: grandmaster)
            cluster.markChanged()
            cluster.needsStateUpdate = true
        } else {
            for slot in dirtySlots { deleteKeys(inSlot: slot) }
        }
    }

    /// delKeysInSlot.
    func deleteKeys(inSlot slot: Int) {
        propagation.noMulti = true
        defer {
            propagatePending()
            propagation.noMulti = false
        }
        for key in keys(inSlot: slot, limit: Int.max) {
            delete(0, key)
            propagateDeletion(0, key)
        }
    }
}
