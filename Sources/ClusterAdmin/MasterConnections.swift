import ClusterModel
import RedisClient

/// One open connection per master, by node ID, for operations that talk to
/// the same masters many times (reshard, fix). Close them with `closeAll`.
struct MasterConnections {
    private(set) var byID: [String: RedisConnection] = [:]

    static func open(_ masters: [ObservedNode], options: RedisConnectionOptions) async throws(ClusterAdminError) -> MasterConnections {
        var connections = MasterConnections()
        for master in masters {
            do {
                connections.byID[master.id] = try await RedisConnection.connect(to: master.address, options: options)
            } catch {
                connections.closeAll()
                throw .client(error)
            }
        }
        return connections
    }

    subscript(id: String) -> RedisConnection? { byID[id] }

    /// Every connection but those to the given masters.
    func others(than ids: String...) -> [RedisConnection] {
        byID.filter { !ids.contains($0.key) }.map(\.value)
    }

    func closeAll() {
        for connection in byID.values { Task { await connection.close() } }
    }
}
