import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Moves one slot between masters the way Redis Cluster expects: IMPORTING on
/// the target, MIGRATING on the source, keys moved in batches with MIGRATE,
/// then SETSLOT NODE on the target, the source and every other master.
public struct SlotMigrator: Sendable {
    public struct Settings: Sendable {
        /// Keys per GETKEYSINSLOT / MIGRATE round trip (the reference uses 10).
        public var batchSize: Int
        public var migrateTimeoutMilliseconds: Int
        /// Overwrite keys that exist on the target with different values.
        public var replace: Bool
        public var auth: RedisAuth?

        public init(batchSize: Int = 1000, migrateTimeoutMilliseconds: Int = 60_000, replace: Bool = false, auth: RedisAuth? = nil) {
            self.batchSize = batchSize
            self.migrateTimeoutMilliseconds = migrateTimeoutMilliseconds
            self.replace = replace
            self.auth = auth
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

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Returns the number of keys moved.
    public func move(slot: Int, from source: RedisConnection, sourceID: String, to target: RedisConnection,
                     targetEndpoint: Endpoint, otherMasters: [RedisConnection]) async throws(ClusterAdminError) -> Int {
        try await expectOK(target, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", sourceID])
        try await expectOK(source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", targetEndpoint.id])
        var moved = 0
        while true {
            let keys = try await call(source, ["CLUSTER", "GETKEYSINSLOT", "\(slot)", "\(settings.batchSize)"]).elements ?? []
            guard !keys.isEmpty else { break }
            let names = keys.compactMap { value -> ByteBuffer? in if case .bulkString(let key) = value { key } else { nil } }
            moved += try await migrate(names, slot: slot, from: source, to: target, endpoint: targetEndpoint)
        }
        // Target first, so the slot is never owned by nobody; the source may
        // then answer ASK no more. Replicas refuse SETSLOT: that is harmless.
        try await expectOK(target, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", targetEndpoint.id])
        try await expectOK(source, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", targetEndpoint.id])
        for master in otherMasters {
            do {
                try await master.send(["CLUSTER", "SETSLOT", "\(slot)", "NODE", targetEndpoint.id])
            } catch let error where error.serverError?.message.contains("only with masters") == true {
                continue
            } catch {
                throw .client(error)
            }
        }
        return moved
    }

    private func migrate(_ keys: [ByteBuffer], slot: Int, from source: RedisConnection, to target: RedisConnection,
                         endpoint: Endpoint) async throws(ClusterAdminError) -> Int {
        let reply = try await pipelineReplies(source, [migrateCommand(keys, endpoint: endpoint, replace: settings.replace)])[0]
        switch reply {
        case .success: return keys.count
        case .failure(let error) where error.message.contains("BUSYKEY"):
            // Some keys exist on the target: identical values may be replaced;
            // different ones stop the move unless --replace.
            var different: [String] = []
            for key in keys where try await !sameValue(key, source: source, target: target) {
                different.append(String(buffer: key))
            }
            guard different.isEmpty else {
                throw .refused("slot \(slot): \(different.count) key(s) exist on \(endpoint.address) with different values (\(different.prefix(5).joined(separator: ", "))\(different.count > 5 ? ", ..." : "")); nothing was overwritten. The slot stays open (MIGRATING/IMPORTING) until repaired: redis-cli --cluster fix closes it today; rcluster fix will.")
            }
            let retry = try await pipelineReplies(source, [migrateCommand(keys, endpoint: endpoint, replace: true)])[0]
            if case .failure(let error) = retry { throw .step(source.address, "MIGRATE", error) }
            return keys.count
        case .failure(let error) where error.message.hasPrefix("NOKEY"):
            return 0  // the keys expired or were deleted meanwhile
        case .failure(let error):
            throw .step(source.address, "MIGRATE of slot \(slot) to \(endpoint.address)", error)
        }
    }

    private func migrateCommand(_ keys: [ByteBuffer], endpoint: Endpoint, replace: Bool) -> [ByteBuffer] {
        var words = ["MIGRATE", endpoint.ip, "\(endpoint.address.port)", "", "0", "\(settings.migrateTimeoutMilliseconds)"]
        if replace { words.append("REPLACE") }
        if let auth = settings.auth {
            words += auth.username.map { ["AUTH2", $0, auth.password] } ?? ["AUTH", auth.password]
        }
        words.append("KEYS")
        return words.map { ByteBuffer(string: $0) } + keys
    }

    /// DEBUG DIGEST-VALUE where allowed (encoding-independent); else DUMP bytes
    /// (DEBUG is off by default in 7.0). The target only serves the importing
    /// slot after ASKING, which lasts one command.
    private func sameValue(_ key: ByteBuffer, source: RedisConnection, target: RedisConnection) async throws(ClusterAdminError) -> Bool {
        let asking = [ByteBuffer(string: "ASKING")]
        let digest = [ByteBuffer(string: "DEBUG"), ByteBuffer(string: "DIGEST-VALUE"), key]
        let dump = [ByteBuffer(string: "DUMP"), key]
        let mine = try await pipelineReplies(source, [digest, dump])
        let theirs = try await pipelineReplies(target, [asking, digest, asking, dump])
        if case .success(let left) = mine[0], case .success(let right) = theirs[1] { return left == right }
        guard case .success(let left) = mine[1], case .success(let right) = theirs[3] else { return false }
        return left == right
    }

    private func pipelineReplies(_ connection: RedisConnection, _ commands: [[ByteBuffer]]) async throws(ClusterAdminError) -> [Result<RESPValue, RedisServerError>] {
        do { return try await connection.pipeline(commands) } catch { throw .client(error) }
    }

    private func call(_ connection: RedisConnection, _ arguments: [String]) async throws(ClusterAdminError) -> RESPValue {
        do { return try await connection.send(arguments) } catch { throw .client(error) }
    }

    private func expectOK(_ connection: RedisConnection, _ arguments: [String]) async throws(ClusterAdminError) {
        _ = try await call(connection, arguments)
    }
}
