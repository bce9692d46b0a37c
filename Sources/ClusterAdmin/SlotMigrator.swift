import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Moves one slot between masters the way Redis Cluster expects: IMPORTING on
/// the target, MIGRATING on the source, keys moved in batches with MIGRATE,
/// then SETSLOT NODE on the target, the source and every other master.
public struct SlotMigrator: Sendable {
    public struct Settings: Sendable {
        /// The most keys per GETKEYSINSLOT / MIGRATE (the reference uses 10); fewer
        /// while MIGRATEs are slow (AdaptiveBatch).
        public var batchSize: Int
        /// The most bytes (MEMORY USAGE) one MIGRATE carries (MigrateBatches);
        /// a larger key goes alone. 0: no bound, and no MEMORY USAGE.
        public var batchByteLimit: Int
        public var migrateTimeoutMilliseconds: Int
        /// Overwrite keys that exist on the target with different values.
        public var replace: Bool
        public var auth: RedisAuth?
        /// Move slots with Valkey 9's atomic slot migration where both ends
        /// have it (AtomicSlotMove); false: always GETKEYSINSLOT + MIGRATE.
        public var atomicWhereAvailable: Bool

        public init(batchSize: Int = 1000, batchByteLimit: Int = MigrateBatches.defaultByteLimit, migrateTimeoutMilliseconds: Int = 60_000,
                    replace: Bool = false, auth: RedisAuth? = nil, atomicWhereAvailable: Bool = true) {
            self.batchSize = batchSize
            self.batchByteLimit = batchByteLimit
            self.migrateTimeoutMilliseconds = migrateTimeoutMilliseconds
            self.replace = replace
            self.auth = auth
            self.atomicWhereAvailable = atomicWhereAvailable
        }
    }

    public struct Endpoint: Sendable {
        public let id: String
        public let address: NodeAddress
        /// The IP the source dials for MIGRATE.
        public let ip: String

        public init(id: String, address: NodeAddress, ip: String) {
            self.id = id
            self.address = address
            self.ip = ip
        }
    }

    let settings: Settings
    let sizer: AdaptiveBatch

    public init(settings: Settings) {
        self.settings = settings
        sizer = AdaptiveBatch(maximum: settings.batchSize)
    }

    /// Moves a window of slots from one source to one target and returns the
    /// number of keys moved. Every step is pipelined over the whole window, so
    /// a slot costs a few bytes on the wire rather than eight round trips; the
    /// keys of several slots share one MIGRATE.
    public func move(slots: [Int], from source: RedisConnection, sourceID: String, to target: RedisConnection,
                     targetEndpoint: Endpoint, otherMasters: [RedisConnection]) async throws(ClusterAdminError) -> Int {
        try await target.requireOK(slots.map { ["CLUSTER", "SETSLOT", "\($0)", "IMPORTING", sourceID] })
        try await source.requireOK(slots.map { ["CLUSTER", "SETSLOT", "\($0)", "MIGRATING", targetEndpoint.id] })
        var moved = 0
        var pending = slots
        while !pending.isEmpty {
            let size = sizer.current
            let replies = try await source.replies(pending.map { ["CLUSTER", "GETKEYSINSLOT", "\($0)", "\(size)"] }
                .map { $0.map { ByteBuffer(string: $0) } })
            var batches: [(slot: Int, keys: [ByteBuffer])] = []
            var again: [Int] = []
            for (slot, reply) in zip(pending, replies) {
                let found = try Self.keyNames(reply, of: slot, on: source)
                if !found.isEmpty { batches.append((slot, found)) }
                // A full batch means the slot may hold more: ask again next round.
                if found.count == size { again.append(slot) }
            }
            let bounded = try await bounded(batches, on: source)
            let started = ContinuousClock.now
            moved += try await migrate(bounded, from: source, to: target, endpoint: targetEndpoint)
            sizer.record(migrates: bounded.count, elapsed: ContinuousClock.now - started, filled: !again.isEmpty)
            pending = again
        }
        // Target first, so the slots are never owned by nobody; then the
        // source (which stops answering ASK) and the other masters together:
        // they only learn sooner what gossip would tell them, and in any order
        // a client is sent to the target. Replicas refuse SETSLOT: harmless.
        let assign = slots.map { ["CLUSTER", "SETSLOT", "\($0)", "NODE", targetEndpoint.id] }
        try await target.requireOK(assign)
        // A source that gave away its last slot turns into a replica of the
        // target (cluster-allow-replica-migration), sometimes through the
        // target's gossip before its own SETSLOT arrives.
        let outcomes = await withTaskGroup(of: Result<Void, ClusterAdminError>.self) { group in
            for master in [source] + otherMasters {
                group.addTask {
                    await Result(catching: { () async throws(ClusterAdminError) in try await master.requireOK(assign, tolerating: "only with masters") })
                }
            }
            var outcomes: [Result<Void, ClusterAdminError>] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for outcome in outcomes { try outcome.get() }
        return moved
    }

    /// Moves the keys a node holds in a slot it does not own (left by an
    /// interrupted move or a hand edit) to the owner. The node is made to
    /// import the slot for the while, so that ASKING lets it serve MIGRATE.
    public func coldMove(slot: Int, from holder: RedisConnection, ownerID: String, to owner: Endpoint) async throws(ClusterAdminError) -> Int {
        try await holder.requireOK([["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", ownerID]])
        var moved = 0
        while true {
            let reply = try await holder.replies([["CLUSTER", "GETKEYSINSLOT", "\(slot)", "\(sizer.current)"].map { ByteBuffer(string: $0) }])[0]
            let keys = try Self.keyNames(reply, of: slot, on: holder)
            guard !keys.isEmpty else { break }
            for batch in try await bounded([(slot, keys)], on: holder, asking: true) {
                let replies = try await holder.replies([[ByteBuffer(string: "ASKING")], migrateCommand(batch.keys, endpoint: owner, replace: settings.replace)])
                if case .failure(let error) = replies[1] {
                    let hint = error.message.contains("BUSYKEY") ? " (the owner has other values under the same names; --replace overwrites them)" : ""
                    throw .step(holder.address, "moving slot \(slot)'s stray keys to \(owner.address)\(hint)", error)
                }
            }
            moved += keys.count
        }
        try await holder.requireOK([["CLUSTER", "SETSLOT", "\(slot)", "STABLE"]])
        return moved
    }

    /// One MIGRATE per slot (MIGRATE refuses keys of several slots), all
    /// pipelined; busy keys are then settled slot by slot.
    private func migrate(_ batches: [(slot: Int, keys: [ByteBuffer])], from source: RedisConnection,
                         to target: RedisConnection, endpoint: Endpoint) async throws(ClusterAdminError) -> Int {
        let replies = try await source.replies(batches.map { migrateCommand($0.keys, endpoint: endpoint, replace: settings.replace) })
        var moved = 0
        for (batch, reply) in zip(batches, replies) {
            switch reply {
            case .success: moved += batch.keys.count
            case .failure(let error) where error.message.contains("BUSYKEY"):
                moved += try await settleBusyKeys(batch.keys, slot: batch.slot, from: source, to: target, endpoint: endpoint)
            case .failure(let error) where error.message.hasPrefix("NOKEY"):
                continue  // the keys expired or were deleted meanwhile
            case .failure(let error):
                throw .step(source.address, "MIGRATE of slot \(batch.slot) to \(endpoint.address)", error)
            }
        }
        return moved
    }

    /// Some keys exist on the target: identical values may be replaced;
    /// different ones stop the move unless --replace.
    private func settleBusyKeys(_ keys: [ByteBuffer], slot: Int, from source: RedisConnection, to target: RedisConnection,
                                endpoint: Endpoint) async throws(ClusterAdminError) -> Int {
        var different: [String] = []
        for key in keys where try await !sameValue(key, source: source, target: target) {
            different.append(String(buffer: key))
        }
        guard different.isEmpty else {
            throw .refused("slot \(slot): \(different.count) key(s) exist on \(endpoint.address) with different values (\(different.prefix(5).joined(separator: ", "))\(different.count > 5 ? ", ..." : "")); nothing was overwritten. The slot stays open (MIGRATING/IMPORTING): rcluster fix --replace finishes the move overwriting them, rcluster fix alone stops on them again.")
        }
        let retry = try await source.replies([migrateCommand(keys, endpoint: endpoint, replace: true)])[0]
        if case .failure(let error) = retry { throw .step(source.address, "MIGRATE ... REPLACE of slot \(slot)", error) }
        return keys.count
    }

    /// Each slot's keys in MIGRATEs of at most settings.batchByteLimit bytes.
    private func bounded(_ batches: [(slot: Int, keys: [ByteBuffer])], on source: RedisConnection,
                         asking: Bool = false) async throws(ClusterAdminError) -> [(slot: Int, keys: [ByteBuffer])] {
        guard settings.batchByteLimit > 0 else { return batches }
        let split = try await MigrateBatches.bounded(batches.map(\.keys), on: source, byteLimit: settings.batchByteLimit, asking: asking)
        return zip(batches, split).flatMap { batch, parts in parts.map { (slot: batch.slot, keys: $0) } }
    }

    /// The key names of a GETKEYSINSLOT reply.
    private static func keyNames(_ reply: Result<RESPValue, RedisServerError>, of slot: Int,
                                 on connection: RedisConnection) throws(ClusterAdminError) -> [ByteBuffer] {
        try reply.get(address: connection.address, step: "GETKEYSINSLOT \(slot)").elements?.compactMap { value -> ByteBuffer? in
            if case .bulkString(let key) = value { key } else { nil }
        } ?? []
    }

    private func migrateCommand(_ keys: [ByteBuffer], endpoint: Endpoint, replace: Bool) -> [ByteBuffer] {
        MigrateCommand.words(to: endpoint.ip, port: endpoint.address.port, timeoutMilliseconds: settings.migrateTimeoutMilliseconds,
                             replace: replace, auth: settings.auth, keys: keys)
    }

    /// DEBUG DIGEST-VALUE where allowed (encoding-independent); else DUMP bytes
    /// (DEBUG is off by default in 7.0). The target only serves the importing
    /// slot after ASKING, which lasts one command.
    private func sameValue(_ key: ByteBuffer, source: RedisConnection, target: RedisConnection) async throws(ClusterAdminError) -> Bool {
        let asking = [ByteBuffer(string: "ASKING")]
        let digest = [ByteBuffer(string: "DEBUG"), ByteBuffer(string: "DIGEST-VALUE"), key]
        let dump = [ByteBuffer(string: "DUMP"), key]
        let mine = try await source.replies([digest, dump])
        let theirs = try await target.replies([asking, digest, asking, dump])
        if case .success(let left) = mine[0], case .success(let right) = theirs[1] { return left == right }
        guard case .success(let left) = mine[1], case .success(let right) = theirs[3] else { return false }
        return left == right
    }
}
