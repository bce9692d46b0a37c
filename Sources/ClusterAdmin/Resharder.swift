import ClusterModel
import Planner
import RedisClient

/// Moves exactly N slots from sources to one target, slot by slot, each slot's
/// keys in large MIGRATE batches. Refuses to start on a cluster whose check
/// fails, so it never builds on a half-repaired state.
public struct Resharder: Sendable {
    public struct Request: Sendable {
        public var sourceIDs: [String]?   // nil = every master with slots except the target
        public var targetID: String
        public var slotCount: Int

        public init(sourceIDs: [String]?, targetID: String, slotCount: Int) {
            self.sourceIDs = sourceIDs
            self.targetID = targetID
            self.slotCount = slotCount
        }
    }

    public struct Plan: Sendable {
        public let target: ObservedNode
        public let sources: [ObservedNode]
        public let moves: [ReshardPlanner.Move]
    }

    public enum Event: Sendable {
        case slotsMoved(slots: [Int], from: NodeAddress, to: NodeAddress, keys: Int)
        /// An atomic migration (Valkey 9+) ended without moving anything; this
        /// source's slots move with MIGRATE from here on.
        case atomicMigrationFailed(from: NodeAddress, to: NodeAddress, reason: String)
    }

    /// Slots moved together; bounds how many are open at once if a run is cut short.
    static let windowSize = 128
    /// Windows one atomic job takes (Valkey's job costs ~0.1 s whatever its
    /// size, and leaves nothing open if cut short, so bigger is better up to
    /// how long a Ctrl-C should wait).
    static let windowsPerAtomicJob = 8
    /// Sources moving at once (one window each), so no node is flooded.
    static let parallelSources = 3

    let options: RedisConnectionOptions
    let settings: SlotMigrator.Settings

    public init(options: RedisConnectionOptions, settings: SlotMigrator.Settings) {
        self.options = options
        self.settings = settings
    }

    public func plan(_ request: Request, on snapshot: ClusterSnapshot) throws(ClusterAdminError) -> Plan {
        try ClusterCheck.run(snapshot).requireHealthy(before: "resharding")
        let target = try snapshot.node(matching: request.targetID)
        guard target.isMaster else { throw .refused("the target \(target.address) is a replica; name a master") }
        let sources: [ObservedNode]
        if let ids = request.sourceIDs {
            sources = try ids.map { (id: String) throws(ClusterAdminError) -> ObservedNode in try snapshot.node(matching: id) }
            if let replica = sources.first(where: { !$0.isMaster }) { throw .refused("the source \(replica.address) is a replica; name masters") }
            if sources.contains(where: { $0.id == target.id }) { throw .refused("the target cannot also be a source") }
        } else {
            sources = snapshot.masters.filter { $0.id != target.id && !$0.slots.isEmpty }
        }
        do {
            let moves = try ReshardPlanner.plan(moving: request.slotCount,
                                                from: sources.map { .init(id: $0.id, slots: Array($0.slots)) })
            return Plan(target: target, sources: sources, moves: moves)
        } catch {
            throw .refused(error.description)
        }
    }

    /// Runs each source's windows in order, up to `parallelSources` sources at once.
    private func moveLanes(_ lanes: [(key: String, value: [(sourceID: String, slots: [Int])])], connections: MasterConnections,
                           migrator: SlotMigrator, atomic: Set<String>, targetID: String, endpoint: SlotMigrator.Endpoint, stop: StopRequest?,
                           progress: @escaping @Sendable (Event) -> Void) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self, returning: Int.self) { group in
            var next = lanes.makeIterator()
            func startLane() {
                guard let (sourceID, laneWindows) = next.next() else { return }
                group.addTask {
                    var moved = 0
                    // Once an atomic job fails, the lane keeps to MIGRATE.
                    var atomicLane = atomic.contains(sourceID)
                    var index = 0
                    while index < laneWindows.count {
                        try Task.checkCancellation()
                        if stop?.isRequested == true { throw ClusterAdminError.interrupted }
                        guard let source = connections[sourceID], let destination = connections[targetID] else {
                            throw ClusterAdminError.refused("lost the connection to a master during the reshard")
                        }
                        if atomicLane {
                            let windows = laneWindows[index..<min(index + Self.windowsPerAtomicJob, laneWindows.count)]
                            let slots = windows.flatMap(\.slots)
                            switch try await AtomicSlotMove().move(slots: slots, from: source, to: targetID) {
                            case .moved(let count):
                                moved += count
                                progress(.slotsMoved(slots: slots, from: source.address, to: destination.address, keys: count))
                                index += windows.count
                                continue
                            case .notMoved(let reason):
                                progress(.atomicMigrationFailed(from: source.address, to: destination.address, reason: reason))
                                atomicLane = false
                            }
                        }
                        let slots = laneWindows[index].slots
                        let count = try await migrator.move(slots: slots, from: source, sourceID: sourceID, to: destination,
                                                            targetEndpoint: endpoint, otherMasters: connections.others(than: sourceID, targetID))
                        moved += count
                        progress(.slotsMoved(slots: slots, from: source.address, to: destination.address, keys: count))
                        index += 1
                    }
                    return moved
                }
            }
            for _ in 0..<Self.parallelSources { startLane() }
            var total = 0
            do {
                while let moved = try await group.next() {
                    total += moved
                    startLane()
                }
            } catch {
                group.cancelAll()
                while (try? await group.next()) != nil {}  // let running windows finish or fail
                throw error
            }
            return total
        }
    }

    /// The sources whose slots move by atomic slot migration: Valkey 9 or
    /// later at both ends, unless the settings ask for MIGRATE. (Redis 8.4's
    /// CLUSTER MIGRATION is another command, run from the target; rcluster
    /// uses MIGRATE there until it is tested against a Redis 8.4 server.)
    private func atomicSources(_ sourceIDs: [String], targetID: String, connections: MasterConnections) async -> Set<String> {
        guard settings.atomicWhereAvailable else { return [] }
        func atomicCapable(_ id: String) async -> Bool {
            guard let connection = connections[id], let version = try? await connection.serverVersion() else { return false }
            return version.product == .valkey && version.supports(.atomicSlotMigration)
        }
        guard await atomicCapable(targetID) else { return [] }
        var capable: Set<String> = []
        for id in sourceIDs where await atomicCapable(id) { capable.insert(id) }
        return capable
    }

    /// The rest of an interrupted reshard, once its open slot is repaired.
    public func plan(resuming journal: ReshardJournal, on snapshot: ClusterSnapshot) throws(ClusterAdminError) -> Plan {
        try ClusterCheck.run(snapshot).requireHealthy(before: "resuming the reshard")
        let target = try snapshot.node(matching: journal.targetID)
        let moves = try journal.remaining(in: snapshot)
        let sourceIDs = Set(moves.map(\.sourceID))
        return Plan(target: target, sources: snapshot.masters.filter { sourceIDs.contains($0.id) }, moves: moves)
    }

    /// `stop`: checked before each window; a requested stop ends the run with
    /// `.interrupted` once the windows in flight are done.
    public func execute(_ plan: Plan, on snapshot: ClusterSnapshot, stop: StopRequest? = nil,
                        progress: @escaping @Sendable (Event) -> Void) async throws(ClusterAdminError) -> (slots: Int, keys: Int) {
        let connections = try await MasterConnections.open(snapshot.masters.filter(\.isReachable), options: options)
        defer { connections.closeAll() }
        // A master that has just joined refuses imported keys (CLUSTERDOWN)
        // until its rejoin delay is over, at most 5 s.
        let notOK = await ClusterAgreement(options: options).waitForStateOK([plan.target.address], timeout: .seconds(10))
        guard notOK.isEmpty else {
            throw .refused("the target \(plan.target.address) reports cluster_state:fail, so it cannot take keys; see CLUSTER INFO on it")
        }
        let migrator = SlotMigrator(settings: settings)
        let target = plan.target
        let endpoint = SlotMigrator.Endpoint(id: target.id, address: target.address,
                                             ip: target.current.ip.isEmpty ? target.address.host : target.current.ip)
        // Consecutive moves from one source form windows that move together.
        var windows: [(sourceID: String, slots: [Int])] = []
        for move in plan.moves {
            if let last = windows.last, last.sourceID == move.sourceID, last.slots.count < Self.windowSize {
                windows[windows.count - 1].slots.append(move.slot)
            } else {
                windows.append((move.sourceID, [move.slot]))
            }
        }
        // One lane per source, lanes in parallel (a source is blocked inside
        // each MIGRATE while the target restores, so two sources keep the
        // target busier), each lane one window at a time, so at most one open
        // window per source. A failing lane stops the others at their next
        // window boundary.
        let lanes = Dictionary(grouping: windows, by: \.sourceID).sorted { $0.key < $1.key }
        let targetID = target.id
        let keys: Int
        do {
            let atomic = await atomicSources(lanes.map(\.key), targetID: targetID, connections: connections)
            keys = try await moveLanes(lanes, connections: connections, migrator: migrator, atomic: atomic, targetID: targetID,
                                       endpoint: endpoint, stop: stop, progress: progress)
        } catch let error as ClusterAdminError {
            throw error
        } catch {
            throw .refused("the reshard stopped: \(error)")
        }
        // So a check (or a client's CLUSTER SLOTS) right after sees the result.
        try await ClusterAgreement(options: options).requireSlotAgreement(snapshot, after: "the reshard")
        return (plan.moves.count, keys)
    }
}
