import ClusterModel
import RedisClient

extension NodeSession {
    /// Sends each node its commands (pipelined), all nodes at once; the first
    /// error reply fails the step, naming the node and the command.
    func runOnEach(_ work: [(address: NodeAddress, commands: [[String]])]) async throws(ClusterAdminError) {
        let failure: ClusterAdminError? = await withTaskGroup(of: ClusterAdminError?.self) { group in
            for item in work where !item.commands.isEmpty {
                group.addTask {
                    let outcome = await Result(catching: { () async throws(ClusterAdminError) in
                        try await self.with(item.address) { connection throws(RedisClientError) in
                            let replies = try await connection.pipeline(item.commands)
                            for (command, reply) in zip(item.commands, replies) {
                                if case .failure(let error) = reply {
                                    throw RedisClientError.server(item.address, RedisServerError(
                                        message: "\(command.prefix(2).joined(separator: " ")): \(error.message)"))
                                }
                            }
                        }
                    })
                    if case .failure(let error) = outcome { return error }
                    return nil
                }
            }
            var first: ClusterAdminError?
            for await result in group where first == nil { first = result }
            return first
        }
        if let failure { throw failure }
    }
}
