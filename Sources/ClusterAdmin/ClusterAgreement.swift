import ClusterModel
import RedisClient

/// Polls nodes' CLUSTER NODES (all at once, every few tens of ms) until a
/// condition holds on their views, or a deadline passes. The reference polls
/// once a second; gossip settles in well under that on a healthy network.
public struct ClusterAgreement: Sendable {
    public typealias Views = [NodeAddress: [ClusterNodeEntry]]

    let session: NodeSession
    let clock: ContinuousClock
    public var pollInterval: Duration = .milliseconds(20)

    public init(options: RedisConnectionOptions, clock: ContinuousClock = ContinuousClock()) {
        session = NodeSession(options: options)
        self.clock = clock
    }

    /// The views that satisfied the condition; on timeout, the last views seen.
    public func wait(for addresses: [NodeAddress], timeout: Duration,
                     until condition: (Views) -> Bool) async -> (met: Bool, views: Views) {
        let deadline = clock.now.advanced(by: timeout)
        var views: Views = [:]
        while true {
            views = await readViews(addresses)
            if views.count == addresses.count, condition(views) { return (true, views) }
            guard clock.now < deadline else { return (false, views) }
            try? await clock.sleep(for: pollInterval)
        }
    }

    /// CLUSTER NODES of every node that answers; the others are left out.
    public func readViews(_ addresses: [NodeAddress]) async -> Views {
        await withTaskGroup(of: (NodeAddress, [ClusterNodeEntry]?).self) { group in
            for address in addresses {
                group.addTask { (address, try? await self.session.clusterNodes(address)) }
            }
            var views: Views = [:]
            for await (address, view) in group { if let view { views[address] = view } }
            return views
        }
    }

    /// Polls until every node reports cluster_state:ok.
    public func waitForStateOK(_ addresses: [NodeAddress], timeout: Duration) async -> [NodeAddress] {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let notOK = await withTaskGroup(of: NodeAddress?.self) { group in
                for address in addresses {
                    group.addTask {
                        let info = try? await self.session.text(address, ["CLUSTER", "INFO"])
                        return info?.contains("cluster_state:ok") == true ? nil : address
                    }
                }
                var pending: [NodeAddress] = []
                for await address in group { if let address { pending.append(address) } }
                return pending.sorted()
            }
            if notOK.isEmpty || clock.now >= deadline { return notOK }
            try? await clock.sleep(for: pollInterval)
        }
    }

    /// Waits until every node of the snapshot that answered agrees on who
    /// owns which slots (replicas learn new owners by gossip), or fails.
    public func requireSlotAgreement(_ snapshot: ClusterSnapshot, after change: String,
                                     timeout: Duration = .seconds(30)) async throws(ClusterAdminError) {
        let agreed = await wait(for: snapshot.reachableNodes.map(\.address), timeout: timeout) { views in
            Set(views.values.map(ClusterCheck.slotSignature)).count == 1
        }
        guard agreed.met else {
            throw .convergenceTimedOut(what: "every node agreeing on the slot owners after \(change)", seconds: timeout.seconds,
                                       diagnosis: ["- run rcluster check to see which nodes lag"])
        }
    }
}
