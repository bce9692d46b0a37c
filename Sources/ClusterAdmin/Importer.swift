import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Moves (or copies) every key of a standalone Redis into a cluster. The
/// reference runs one MIGRATE per key; this groups each SCAN page's keys by
/// the master that owns their slot and sends one MIGRATE ... KEYS per owner,
/// all pipelined on the source, so a round trip carries hundreds of keys.
public struct Importer: Sendable {
    public struct Settings: Sendable {
        public var source: NodeAddress
        public var sourceAuth: RedisAuth?
        /// The cluster's credentials, which the source presents to the masters.
        public var clusterAuth: RedisAuth?
        public var copy: Bool
        public var replace: Bool
        public var scanCount: Int
        public var migrateTimeoutMilliseconds: Int

        public init(source: NodeAddress, sourceAuth: RedisAuth?, clusterAuth: RedisAuth?, copy: Bool, replace: Bool,
                    scanCount: Int = 1000, migrateTimeoutMilliseconds: Int = 60_000) {
            self.source = source
            self.sourceAuth = sourceAuth
            self.clusterAuth = clusterAuth
            self.copy = copy
            self.replace = replace
            self.scanCount = scanCount
            self.migrateTimeoutMilliseconds = migrateTimeoutMilliseconds
        }
    }

    public enum Event: Sendable {
        case started(keysInDB0: Int, otherDatabases: [String])
        case progress(imported: Int)
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Returns how many keys were imported.
    public func run(into snapshot: ClusterSnapshot, events: @Sendable (Event) -> Void) async throws(ClusterAdminError) -> Int {
        let owners = try ownerBySlot(snapshot)
        let source = try await connectSource()
        let outcome = await Result(catching: { () async throws(ClusterAdminError) in
            try await importAll(from: source, owners: owners, events: events)
        })
        await source.close()
        return try outcome.get()
    }

    /// Each slot's master and the IP the source should dial for it.
    private func ownerBySlot(_ snapshot: ClusterSnapshot) throws(ClusterAdminError) -> [NodeAddress?] {
        var owners = [NodeAddress?](repeating: nil, count: HashSlot.count)
        for master in snapshot.masters {
            for range in master.slotRanges {
                for slot in range.slots { owners[slot] = master.address }
            }
        }
        if let hole = owners.firstIndex(where: { $0 == nil }) {
            throw .refused("slot \(hole) has no master: the cluster must cover every slot before an import; run rcluster fix")
        }
        return owners
    }

    private func connectSource() async throws(ClusterAdminError) -> RedisConnection {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(to: settings.source, options: RedisConnectionOptions(auth: settings.sourceAuth))
        } catch {
            throw .client(error)
        }
        let reply = await Result(catching: { () async throws(ClusterAdminError) in try await command(connection, ["INFO", "cluster"]) })
        if case .failure = reply { await connection.close() }
        let info = try reply.get().infoFields
        if info["cluster_enabled"] == "1" {
            await connection.close()
            throw .refused("\(settings.source) is a cluster node; import takes a standalone Redis (use reshard to move slots between clusters' nodes)")
        }
        return connection
    }

    private func importAll(from source: RedisConnection, owners: [NodeAddress?], events: @Sendable (Event) -> Void) async throws(ClusterAdminError) -> Int {
        let keyspace = try await command(source, ["INFO", "keyspace"]).infoFields
        let db0 = keyspace["db0"].flatMap { $0.split(separator: ",").first?.split(separator: "=").last.flatMap { Int($0) } } ?? 0
        events(.started(keysInDB0: db0, otherDatabases: keyspace.keys.filter { $0 != "db0" }.sorted()))
        var cursor = "0"
        var imported = 0
        repeat {
            let page = try await reply(source, ["SCAN", cursor, "COUNT", "\(settings.scanCount)"].map { ByteBuffer(string: $0) })
            guard case .array(let parts) = page, parts.count == 2, let next = parts[0].string, case .array(let keys) = parts[1] else {
                throw .step(settings.source, "SCAN", RedisServerError(message: "unexpected reply \(page)"))
            }
            cursor = next
            var byOwner: [NodeAddress: [ByteBuffer]] = [:]
            for case .bulkString(let key) in keys {
                let slot = HashSlot(key: Array(key.readableBytesView)).rawValue
                if let owner = owners[slot] { byOwner[owner, default: []].append(key) }
            }
            let owned = byOwner.sorted { $0.key < $1.key }
            let bounded = try await MigrateBatches.bounded(owned.map(\.value), on: source, byteLimit: MigrateBatches.defaultByteLimit, asking: false)
            let batches = zip(owned, bounded).flatMap { entry, parts in parts.map { (key: entry.key, value: $0) } }
            let replies = try await source.replies(batches.map { migrate($0.value, to: $0.key) })
            for ((owner, batch), result) in zip(batches, replies) {
                if case .failure(let error) = result {
                    throw failure(error, owner: owner, batch: batch, importedSoFar: imported)
                }
                imported += batch.count
            }
            events(.progress(imported: imported))
        } while cursor != "0"
        return imported
    }

    private func migrate(_ keys: [ByteBuffer], to owner: NodeAddress) -> [ByteBuffer] {
        MigrateCommand.words(to: owner.host, port: owner.port, timeoutMilliseconds: settings.migrateTimeoutMilliseconds,
                             copy: settings.copy, replace: settings.replace, auth: settings.clusterAuth, keys: keys)
    }

    private func failure(_ error: RedisServerError, owner: NodeAddress, batch: [ByteBuffer], importedSoFar: Int) -> ClusterAdminError {
        let sample = batch.prefix(5).map { String(buffer: $0) }.joined(separator: ", ")
        if error.message.contains("BUSYKEY") {
            return .refused("\(owner) already holds one of the keys \(sample)\(batch.count > 5 ? ", ..." : ""); nothing was overwritten. \(importedSoFar) key(s) were imported before this batch\(settings.copy ? "" : " (and removed from the source)"). Run again with --replace to overwrite the cluster's values.")
        }
        return .step(settings.source, "MIGRATE to \(owner) (\(importedSoFar) key(s) imported before)", error)
    }

    private func command(_ connection: RedisConnection, _ words: [String]) async throws(ClusterAdminError) -> RESPValue {
        try await reply(connection, words.map { ByteBuffer(string: $0) })
    }

    private func reply(_ connection: RedisConnection, _ words: [ByteBuffer]) async throws(ClusterAdminError) -> RESPValue {
        try await connection.replies([words])[0].get(address: connection.address, step: String(buffer: words[0]))
    }
}
