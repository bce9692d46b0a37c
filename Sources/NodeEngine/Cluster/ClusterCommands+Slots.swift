import ClusterModel

/// The CLUSTER subcommands about slots: which keys a slot holds, and who
/// owns or is moving each slot (ADDSLOTS ... SETSLOT).
extension ClusterCommands {
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
                e.becomeReplica(of: node)
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
}
