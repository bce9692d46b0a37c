import ClusterModel
import RedisClient

/// Waits for freshly started nodes: each must answer PING with PONG (not
/// LOADING, not a refused connection) with the cluster's credentials.
public struct NodeReadiness: Sendable {
    let session: NodeSession
    let pollInterval: Duration

    public init(options: RedisConnectionOptions, pollInterval: Duration = .milliseconds(100)) {
        session = NodeSession(options: options)
        self.pollInterval = pollInterval
    }

    /// The nodes still not answering when the time ran out, each with its last error.
    public func waitUntilAnswering(_ addresses: [NodeAddress], timeout: Duration) async -> [(NodeAddress, String)] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pending = addresses
        var lastErrors: [NodeAddress: String] = [:]
        while true {
            let results = await withTaskGroup(of: (NodeAddress, String?).self) { group in
                for address in pending {
                    group.addTask {
                        let result = await Result { () async throws(ClusterAdminError) in try await self.session.text(address, ["PING"]) }
                        switch result {
                        case .success(let reply): return (address, reply == "PONG" ? nil : "answered \(reply)")
                        case .failure(let error): return (address, error.description)
                        }
                    }
                }
                var collected: [(NodeAddress, String?)] = []
                for await result in group { collected.append(result) }
                return collected
            }
            for (address, error) in results { lastErrors[address] = error }
            pending = results.compactMap { $0.1 == nil ? nil : $0.0 }.sorted()
            if pending.isEmpty || clock.now >= deadline {
                return pending.map { ($0, lastErrors[$0] ?? "no answer") }
            }
            try? await clock.sleep(for: pollInterval)
        }
    }
}
