import ClusterModel
import NIOCore
import RedisClient
import RESP

/// `fix`: finds open, uncovered and multiply claimed slots, decides a repair
/// for each (SlotRepair), and applies them. An interrupted reshard (even one
/// killed with SIGKILL) leaves slots migrating/importing: fix finishes those
/// moves. A node that no longer knows a master serving slots (a CLUSTER FORGET
/// sent to one node only) is introduced to it again.
public struct ClusterFixer: Sendable {
    /// `node` does not list `master` in its own view.
    public struct Introduction: Sendable, Hashable {
        public let nodeID: String
        public let masterID: String

        public init(nodeID: String, masterID: String) {
            self.nodeID = nodeID
            self.masterID = masterID
        }
    }

    public struct Plan: Sendable {
        public let introductions: [Introduction]
        public let repairs: [SlotRepair]
        public var isEmpty: Bool { introductions.isEmpty && repairs.isEmpty }
        /// What can be applied (an unsupported slot is only reported).
        public var applicable: Plan {
            Plan(introductions: introductions, repairs: repairs.filter { if case .unsupported = $0 { false } else { true } })
        }
    }

    let options: RedisConnectionOptions
    let migrator: SlotMigrator

    public init(options: RedisConnectionOptions, settings: SlotMigrator.Settings) {
        self.options = options
        migrator = SlotMigrator(settings: settings)
    }

    /// `takeOverUnreachable`: the slots of masters that do not answer (or
    /// that the cluster marks failing) count as uncovered and go to the others,
    /// as the reference's --cluster-fix-with-unreachable-masters does. Their
    /// keys there are lost, so only on the user's explicit word.
    public func assess(_ snapshot: ClusterSnapshot, takeOverUnreachable: Bool = false) async throws(ClusterAdminError) -> Plan {
        try Self.refuseLoneNode(snapshot)
        return Plan(introductions: Self.introductions(snapshot), repairs: try await slotRepairs(snapshot, takeOverUnreachable: takeOverUnreachable))
    }

    /// A node that knows no other node is not a cluster with lost slots: it
    /// is what a failed create leaves (slots assigned, no MEET yet). Handing
    /// it every uncovered slot would shape a one-master cluster nobody asked for.
    static func refuseLoneNode(_ snapshot: ClusterSnapshot) throws(ClusterAdminError) {
        let uncovered = ClusterCheck.run(snapshot).uncoveredSlots
        guard snapshot.nodes.count == 1, !uncovered.isEmpty else { return }
        let entry = snapshot.entry
        let serving = entry.slots.isEmpty ? "it serves no slot" : "it serves \(entry.slots.count) slot(s)"
        throw .refused("""
            \(entry.address) knows no other node: it is one node alone (\(serving)), not a cluster, so fix will not give it the \(uncovered.count) slot(s) nobody serves.
            - If other nodes belong with it, introduce them first (CLUSTER MEET, or rcluster add-node), then run fix again.
            - After a failed create: reset every node of it (redis-cli -h HOST -p PORT CLUSTER RESET HARD) and run create again.
            - If this one node should serve every slot, claim the rest on it yourself (CLUSTER ADDSLOTS).
            """)
    }

    /// Only masters serving slots: a node every other one forgot on purpose
    /// (an interrupted del-node) must not be brought back.
    public static func introductions(_ snapshot: ClusterSnapshot) -> [Introduction] {
        let serving = snapshot.masters.filter { $0.isReachable && !$0.slots.isEmpty }
        return snapshot.reachableNodes.flatMap { node in
            let known = Set(node.ownView!.map(\.id))
            return serving.filter { !known.contains($0.id) }.map { Introduction(nodeID: node.id, masterID: $0.id) }
        }
    }

    private func slotRepairs(_ snapshot: ClusterSnapshot, takeOverUnreachable: Bool) async throws(ClusterAdminError) -> [SlotRepair] {
        let masters = snapshot.masters.filter { $0.isReachable && !$0.listed.isFailing }
        let report = ClusterCheck.run(snapshot)
        // Keys per slot on every master (16384 pipelined COUNTKEYSINSLOT each),
        // so keys sitting in a slot their node does not own are found too.
        var counts: [String: [Int]] = [:]
        for master in masters {
            let replies = try await NodeSession(options: options).with(master.address) { connection throws(RedisClientError) in
                try await connection.pipeline(HashSlot.all.map { ["CLUSTER", "COUNTKEYSINSLOT", "\($0)"] })
            }
            counts[master.id] = replies.map { Int((try? $0.get())?.int ?? 0) }
        }
        let owned = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, $0.slots) })
        let strays = HashSlot.all.filter { slot in
            masters.contains { !owned[$0.id]!.contains(slot) && counts[$0.id]![slot] > 0 }
        }
        let claimedTwice = HashSlot.all.filter { slot in masters.count { owned[$0.id]!.contains(slot) } > 1 }
        let servedByNobodyReachable = !takeOverUnreachable ? [] : HashSlot.all.filter { slot in
            !masters.contains { owned[$0.id]!.contains(slot) }
        }
        let slots = Set(report.openSlotNumbers).union(report.uncoveredSlots).union(strays).union(claimedTwice)
            .union(servedByNobodyReachable).sorted()
        let ranking = masters.map { (id: $0.id, slots: $0.slots.count) }
        let decided = slots.map { slot in
            SlotRepair.decide(SlotRepair.SlotState(
                slot: slot,
                owners: masters.filter { owned[$0.id]!.contains(slot) }.map(\.id),
                migrating: masters.flatMap { master in master.current.migrating.filter { $0.slot == slot }.map { (master.id, $0.to) } },
                importing: masters.flatMap { master in master.current.importing.filter { $0.slot == slot }.map { (master.id, $0.from) } },
                keyCounts: counts.mapValues { $0[slot] }), masters: ranking)
        }
        // Orphans without keys anywhere fill the holes between a master's own
        // slots, then are shared out in contiguous blocks, not all to one
        // master (thousands of them when a master is lost).
        let empty = decided.compactMap { repair -> Int? in
            if case .assign(let slot, _, let holders) = repair, holders.isEmpty, counts.values.allSatisfy({ $0[slot] == 0 }) { slot } else { nil }
        }
        let shared = SlotRepair.spread(empty, over: ranking) { slot in masters.first { owned[$0.id]!.contains(slot) }?.id }
        return decided.map { repair in
            if case .assign(let slot, _, let holders) = repair, let owner = shared[slot] {
                return .assign(slot: slot, ownerID: owner, moveKeysFrom: holders)
            }
            return repair
        }
    }

    public func apply(_ plan: Plan, on snapshot: ClusterSnapshot,
                      progress: @Sendable (SlotRepair, Int) -> Void) async throws(ClusterAdminError) {
        let repairs = plan.applicable.repairs
        let connections = try await MasterConnections.open(
            snapshot.masters.filter { $0.isReachable && !$0.listed.isFailing }, options: options)
        defer { connections.closeAll() }
        func connection(_ id: String) throws(ClusterAdminError) -> RedisConnection {
            guard let connection = connections[id] else { throw .refused("master \(id.prefix(8))... does not answer") }
            return connection
        }
        func endpoint(_ id: String) -> SlotMigrator.Endpoint {
            let node = snapshot.node(id: id)!
            return .init(id: id, address: node.address, ip: node.current.ip.isEmpty ? node.address.host : node.current.ip)
        }
        // First every slot gets an owner and loses its stray states: while a
        // slot is uncovered the nodes answer CLUSTERDOWN, MIGRATE included.
        for repair in repairs {
            switch repair {
            case .close(let slot, _, let stableOn, _):
                for id in stableOn { try await connection(id).requireOK([["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]]) }
            case .assign:
                continue  // below, one transaction per new owner
            case .reclaim(let slot, let ownerID, let releaseFrom, let stableOn, _):
                for id in stableOn { try await connection(id).requireOK([["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]]) }
                // The others let go before the owner's claim outranks theirs:
                // a master that loses a slot it holds keys in deletes them.
                for id in releaseFrom { try await connection(id).requireOK([["CLUSTER", "DELSLOTS", "\(slot)"]]) }
                try await claim([slot], on: try connection(ownerID))
                for id in releaseFrom {
                    try await connection(id).requireOK([["CLUSTER", "SETSLOT", "\(slot)", "NODE", ownerID]], tolerating: "Unknown node")
                }
            case .finishMigration, .unsupported:
                continue
            }
        }
        let assigned = Dictionary(grouping: repairs.compactMap { repair -> (owner: String, slot: Int)? in
            if case .assign(let slot, let owner, _) = repair { (owner, slot) } else { nil }
        }, by: \.owner)
        for (owner, slots) in assigned.sorted(by: { $0.key < $1.key }) {
            try await claim(slots.map(\.slot), on: try connection(owner))
        }
        try await introduce(plan.introductions, on: snapshot)
        if !plan.introductions.isEmpty || repairs.contains(where: {
            switch $0 { case .assign, .reclaim: true; default: false }
        }) {
            let masters = snapshot.masters.filter { $0.isReachable && !$0.listed.isFailing }.map(\.address)
            let notOK = await ClusterAgreement(options: options).waitForStateOK(masters, timeout: .seconds(30))
            guard notOK.isEmpty else {
                throw .convergenceTimedOut(what: "cluster_state:ok after assigning the uncovered slots", seconds: 30,
                                           diagnosis: notOK.map { "- \($0) still reports cluster_state:fail" })
            }
        }
        // Then the keys move: interrupted migrations finish, strays go home.
        for repair in repairs {
            var keys = 0
            switch repair {
            case .finishMigration(let slot, let sourceID, let targetID):
                let others = connections.others(than: sourceID, targetID)
                keys = try await migrator.move(slots: [slot], from: try connection(sourceID), sourceID: sourceID,
                                               to: try connection(targetID), targetEndpoint: endpoint(targetID), otherMasters: others)
            case .close(let slot, let ownerID, _, let holders), .assign(let slot, let ownerID, let holders),
                 .reclaim(let slot, let ownerID, _, _, let holders):
                for id in holders {
                    keys += try await migrator.coldMove(slot: slot, from: try connection(id), ownerID: ownerID, to: endpoint(ownerID))
                }
            case .unsupported:
                continue
            }
            progress(repair, keys)
        }
        try await ClusterAgreement(options: options).requireSlotAgreement(snapshot, after: "the repairs")
    }

    /// As the reference, in one transaction so no client sees a slot unowned:
    /// each slot is first cleared from the owner's own view (a stale owner
    /// there makes ADDSLOTS refuse; an empty one makes DELSLOTS refuse,
    /// harmlessly), then claimed, and BUMPEPOCH makes the claim outrank any
    /// stale one in gossip.
    private func claim(_ slots: [Int], on owner: RedisConnection) async throws(ClusterAdminError) {
        let words = [["MULTI"]] + slots.map { ["CLUSTER", "DELSLOTS", "\($0)"] }
            + [["CLUSTER", "ADDSLOTS"] + slots.map { "\($0)" }, ["CLUSTER", "BUMPEPOCH"], ["EXEC"]]
        let replies = try await owner.replies(words.map { $0.map { ByteBuffer(string: $0) } })
        let step = "MULTI ... CLUSTER ADDSLOTS \(SlotSet(ranges: slots.map { SlotRange($0) }).ranges.map(\.description).joined(separator: ",")) ... EXEC"
        let results = try replies[replies.count - 1].get(address: owner.address, step: step)
        if case .array(let items) = results, items.count == slots.count + 2, let message = items[slots.count].errorMessage {
            throw .step(owner.address, step, RedisServerError(message: message))
        }
    }

    /// CLUSTER MEET, then waits until each node lists its master with the
    /// handshake done: moving keys to a node needs the holder to know it.
    private func introduce(_ introductions: [Introduction], on snapshot: ClusterSnapshot) async throws(ClusterAdminError) {
        guard !introductions.isEmpty else { return }
        for introduction in introductions {
            guard let master = snapshot.node(id: introduction.masterID), let node = snapshot.node(id: introduction.nodeID) else { continue }
            let entry = master.current
            let meet = ["CLUSTER", "MEET", entry.ip.isEmpty ? master.address.host : entry.ip, "\(entry.port)", "\(entry.busPort)"]
            _ = try await NodeSession(options: options).with(node.address) { session throws(RedisClientError) in try await session.send(meet) }
        }
        let addresses = introductions.compactMap { snapshot.node(id: $0.nodeID)?.address }
        let met = await ClusterAgreement(options: options).wait(for: Array(Set(addresses)), timeout: .seconds(30)) { views in
            introductions.allSatisfy { introduction in
                guard let address = snapshot.node(id: introduction.nodeID)?.address, let view = views[address] else { return false }
                return view.contains { $0.id == introduction.masterID && !$0.has(.handshake) }
            }
        }
        guard met.met else {
            throw .convergenceTimedOut(what: "the reintroduced nodes to know each other", seconds: 30,
                                       diagnosis: introductions.map { "- \($0.nodeID.prefix(8)) met \($0.masterID.prefix(8)): check that its cluster bus port is reachable" })
        }
    }
}
