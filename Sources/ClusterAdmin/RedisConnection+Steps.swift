import ClusterModel
import NIOCore
import RedisClient
import RESP

/// The steps of ClusterAdmin's operations on one connection, failing with
/// ClusterAdminError: a transport failure, or an error reply naming the node
/// and the command.
extension RedisConnection {
    func replies(_ commands: [[ByteBuffer]]) async throws(ClusterAdminError) -> [Result<RESPValue, RedisServerError>] {
        do { return try await pipeline(commands) } catch { throw .client(error) }
    }

    /// Pipelines the commands; any error reply (but the tolerated one) fails the step.
    func requireOK(_ commands: [[String]], tolerating tolerated: String? = nil) async throws(ClusterAdminError) {
        let replies = try await replies(commands.map { $0.map { ByteBuffer(string: $0) } })
        for (command, reply) in zip(commands, replies) {
            guard case .failure(let error) = reply else { continue }
            if let tolerated, error.message.contains(tolerated) { continue }
            throw .step(address, command.prefix(4).joined(separator: " "), error)
        }
    }
}

extension Result where Success == RESPValue, Failure == RedisServerError {
    func get(address: NodeAddress, step: String) throws(ClusterAdminError) -> RESPValue {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw .step(address, step, error)
        }
    }
}
