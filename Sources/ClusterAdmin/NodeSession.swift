import ClusterModel
import NIOCore
import RedisClient
import RESP

/// Opens a connection for one call and always closes it, mapping failures to
/// ClusterAdminError so callers deal with one error type.
struct NodeSession: Sendable {
    let options: RedisConnectionOptions

    func with<T: Sendable>(_ address: NodeAddress,
                           _ body: (RedisConnection) async throws(RedisClientError) -> T) async throws(ClusterAdminError) -> T {
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(to: address, options: options)
        } catch {
            throw .client(error)
        }
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw .client(error)
        }
    }

    /// One command, its reply as text.
    func text(_ address: NodeAddress, _ arguments: [String]) async throws(ClusterAdminError) -> String {
        try await with(address) { connection throws(RedisClientError) in
            let reply = try await connection.send(arguments)
            return reply.string ?? ""
        }
    }

    /// The server and version a node runs (INFO server), nil if unreadable.
    func version(_ address: NodeAddress) async throws(ClusterAdminError) -> ServerVersion? {
        try await with(address) { connection throws(RedisClientError) in try await connection.serverVersion() }
    }

    /// CLUSTER NODES of one node, parsed.
    func clusterNodes(_ address: NodeAddress) async throws(ClusterAdminError) -> [ClusterNodeEntry] {
        let text = try await text(address, ["CLUSTER", "NODES"])
        do {
            return try ClusterNodesText.parse(text)
        } catch {
            throw .unreadableClusterNodes(address, error)
        }
    }
}

extension RedisConnection {
    /// The server and version it runs (INFO server), nil if unreadable.
    func serverVersion() async throws(RedisClientError) -> ServerVersion? {
        ServerVersion(info: try await send(["INFO", "server"]).infoFields)
    }
}

extension RESPValue {
    /// INFO-style `key:value` lines as a dictionary.
    public var infoFields: [String: String] {
        var fields: [String: String] = [:]
        for line in (string ?? "").split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return fields
    }
}

extension Result where Failure == ClusterAdminError {
    /// Runs a typed-throwing async body into a Result. (A `do throws(...)`
    /// inside a task-group child was miscompiled in release builds of Swift
    /// 6.3: the child's result came back garbled.)
    public init(catching body: () async throws(ClusterAdminError) -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
