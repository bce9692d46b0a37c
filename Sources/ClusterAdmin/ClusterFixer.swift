import ClusterModel
import NIOCore
import RedisClient
import RESP

/// `fix`: finds open and uncovered slots, decides a repair for each
/// (SlotRepair), and applies them. An interrupted reshard (even one killed
/// with SIGKILL) leaves slots migrating/importing: fix finishes those moves.
public struct ClusterFixer: Sendable {
    let options: RedisConnectionOptions
    let migrator: SlotMigrator

    public init(options: RedisConnectionOptions, settings: SlotMigrator.Settings) {
        self.options = options
        migrator = SlotMigrator(settings: settings)
    }

    public func assess(_ snapshot: ClusterSnapshot) async throws(ClusterAdminError) -> [SlotRepair] {
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
        let slots = Set(report.openSlotNumbers).union(report.uncoveredSlots).union(strays).sorted()
        let ranking = masters.map { (id: $0.id, slots: $0.slots.count) }
        return slots.map { slot in
            let state = SlotRepair.SlotState(
                slot: slot,
                owners: masters.filter { owned[$0.id]!.contains(slot) }.map(\.id),
                migrating: masters.flatMap { master in master.current.migrating.filter { $0.slot == slot }.map { (master.id, $0.to) } },
                importing: masters.flatMap { master in master.current.importing.filter { $0.slot == slot }.map { (master.id, $0.from) } },
                keyCounts: counts.mapValues { $0[slot] })
            return SlotRepair.decide(state, masters: ranking)
        }
    }

    public func apply(_ repairs: [SlotRepair], on snapshot: ClusterSnapshot,
                      progress: @Sendable (SlotRepair, Int) -> Void) async throws(ClusterAdminError) {
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
                for id in stableOn { try await send(try connection(id), ["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]) }
            case .assign(let slot, let ownerID, _):
                // BUMPEPOCH makes the new claim win over any stale one in gossip.
                try await send(try connection(ownerID), ["CLUSTER", "ADDSLOTS", "\(slot)"])
                try await send(try connection(ownerID), ["CLUSTER", "BUMPEPOCH"])
            case .finishMigration, .unsupported:
                continue
            }
        }
        if repairs.contains(where: { if case .assign = $0 { true } else { false } }) {
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
            case .close(let slot, let ownerID, _, let holders), .assign(let slot, let ownerID, let holders):
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

    private func send(_ connection: RedisConnection, _ arguments: [String]) async throws(ClusterAdminError) {
        do {
            try await connection.send(arguments)
        } catch {
            throw .client(error)
        }
    }
}
