import ClusterModel
import Planner
import RedisClient

/// Applies a planned layout to probed, empty nodes: slots, config epochs,
/// MEET, replicas, then waits until every node agrees and reports
/// cluster_state:ok. Polling is fast (20 ms), and every wait is bounded and
/// explains itself when it runs out.
public struct ClusterCreator: Sendable {
    public enum Event: Sendable {
        case slotsAssigned
        case epochsAssigned
        case meetsSent
        case joined(after: Duration)
        case replicasAttached(after: Duration)
        case stateOK(after: Duration)
    }

    let session: NodeSession
    let agreement: ClusterAgreement
    let clock = ContinuousClock()

    public init(options: RedisConnectionOptions) {
        session = NodeSession(options: options)
        agreement = ClusterAgreement(options: options)
    }

    /// `nodes` in the order the user gave them (config epochs follow it).
    public func create(layout: ClusterLayout, nodes: [ProbedNode], joinTimeout: Duration,
                       progress: @Sendable (Event) -> Void) async throws(ClusterAdminError) {
        let shortcut = RejoinDelayShortcut(session: session)
        let originals = await shortcut.lower(nodes.map(\.address))
        let outcome = await Result(catching: { () async throws(ClusterAdminError) in
            try await build(layout: layout, nodes: nodes, joinTimeout: joinTimeout, progress: progress)
        })
        let unrestored = await shortcut.restore(originals)
        try outcome.get()
        guard unrestored.isEmpty else {
            let commands = unrestored.map { "rcluster set-timeout \($0) \(originals[$0] ?? "15000")" }
            throw .refused("the cluster is up, but cluster-node-timeout (lowered to \(RejoinDelayShortcut.createTimeoutMilliseconds) ms during create) could not be put back on \(unrestored.map(\.description).joined(separator: ", ")); run: \(commands.joined(separator: "; "))")
        }
    }

    private func build(layout: ClusterLayout, nodes: [ProbedNode], joinTimeout: Duration,
                       progress: @Sendable (Event) -> Void) async throws(ClusterAdminError) {
        let byAddress = Dictionary(uniqueKeysWithValues: nodes.map { ($0.address, $0) })
        let start = clock.now

        try await session.runOnEach(layout.masters.map { master in
            (master.node.address, Self.assignSlots(master.slots, on: byAddress[master.node.address]!.version))
        })
        progress(.slotsAssigned)

        try await session.runOnEach(nodes.enumerated().map { index, node in
            (node.address, [["CLUSTER", "SET-CONFIG-EPOCH", "\(index + 1)"]])
        })
        progress(.epochsAssigned)

        // Every pair meets directly, so nobody waits for gossip to learn a peer.
        try await session.runOnEach(nodes.enumerated().map { index, node in
            (node.address, nodes.dropFirst(index + 1).map { meet(node: $0) })
        })
        progress(.meetsSent)

        let addresses = nodes.map(\.address)
        let ids = nodes.map(\.id)
        let known = await waitForJoin(nodes, timeout: joinTimeout)
        guard known.met else {
            throw .convergenceTimedOut(what: "The nodes joining one cluster", seconds: joinTimeout.seconds,
                                       diagnosis: await JoinDiagnosis.explain(expected: nodes, views: known.views))
        }
        progress(.joined(after: clock.now - start))

        let masterIDs = layout.replicas.map { byAddress[layout.masters[$0.master].node.address]!.id }
        try await session.runOnEach(zip(layout.replicas, masterIDs).map { replica, masterID in
            (replica.node.address, [["CLUSTER", "REPLICATE", masterID]])
        })
        // A node ignores the slots and role carried by the packet that completes
        // a handshake, and otherwise hears them only at its next ping (about a
        // second). A second MEET in every direction reaches nodes that already
        // know the sender, so each learns every peer's slots and role at once.
        try await session.runOnEach(nodes.map { node in
            (node.address, nodes.filter { $0.id != node.id }.map { meet(node: $0) })
        })

        let expectedSlots = Dictionary(uniqueKeysWithValues: layout.masters.map { (byAddress[$0.node.address]!.id, [$0.slots]) })
        let roles = Dictionary(uniqueKeysWithValues: zip(layout.replicas.map { byAddress[$0.node.address]!.id }, masterIDs).map { ($0, $1) })
        let agreed = await agreement.wait(for: addresses, timeout: joinTimeout) { views in
            views.values.allSatisfy {
                ClusterViewCondition.knowsExactly(ids, view: $0, connected: true, slots: expectedSlots)
                    && ClusterViewCondition.agreesOnReplicas(roles, view: $0)
            }
        }
        guard agreed.met else {
            throw .convergenceTimedOut(what: "Every node agreeing on every master's slots and every replica's master",
                                       seconds: joinTimeout.seconds,
                                       diagnosis: await JoinDiagnosis.explain(expected: nodes, views: agreed.views))
        }
        progress(.replicasAttached(after: clock.now - start))

        let notOK = await agreement.waitForStateOK(addresses, timeout: joinTimeout)
        guard notOK.isEmpty else {
            throw .convergenceTimedOut(what: "cluster_state:ok on every node", seconds: joinTimeout.seconds,
                                       diagnosis: notOK.map { "- \($0) still reports cluster_state:fail (see CLUSTER INFO on it)" })
        }
        progress(.stateOK(after: clock.now - start))
    }
}

extension ClusterCreator {
    /// ADDSLOTSRANGE where the server has it (one short command), else
    /// ADDSLOTS in chunks, as Redis 6 and redis-cli 6 do it.
    static func assignSlots(_ range: SlotRange, on version: ServerVersion?) -> [[String]] {
        if version?.supports(.addSlotsRange) ?? false {
            return [["CLUSTER", "ADDSLOTSRANGE", "\(range.first)", "\(range.last)"]]
        }
        return stride(from: range.first, through: range.last, by: addSlotsChunk).map { start in
            ["CLUSTER", "ADDSLOTS"] + (start...min(start + addSlotsChunk - 1, range.last)).map { "\($0)" }
        }
    }

    static let addSlotsChunk = 1024
}

extension ClusterCreator {
    /// A handshake not finished within max(node-timeout, 1 s) is dropped by
    /// the node that started it, and nothing starts it again: handshaking
    /// peers are never gossiped. On a loaded machine (node-timeout is 500 ms
    /// during create) a node could so stay unknown to some peers forever.
    /// Every few seconds each node that still does not know a peer is told
    /// to meet it again; a MEET to a known node changes nothing.
    static let rejoinInterval: Duration = .seconds(3)

    func waitForJoin(_ nodes: [ProbedNode], timeout: Duration) async -> (met: Bool, views: ClusterAgreement.Views) {
        let ids = nodes.map(\.id)
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let round = min(Self.rejoinInterval, clock.now.duration(to: deadline))
            let known = await agreement.wait(for: nodes.map(\.address), timeout: round) { views in
                views.values.allSatisfy { ClusterViewCondition.knowsExactly(ids, view: $0) }
            }
            guard !known.met, clock.now < deadline else { return known }
            let missing = Self.meetsStillNeeded(nodes, views: known.views)
            _ = try? await session.runOnEach(missing.map { observer, targets in (observer, targets.map { meet(node: $0) }) })
        }
    }

    /// For each node that answered: the expected peers its view lacks as
    /// fully known nodes (absent, or present only as a handshake under a
    /// random ID).
    static func meetsStillNeeded(_ nodes: [ProbedNode], views: ClusterAgreement.Views) -> [(NodeAddress, [ProbedNode])] {
        nodes.compactMap { observer in
            guard let view = views[observer.address] else { return nil }
            let known = Set(view.filter { !$0.has(.handshake) }.map(\.id))
            let missing = nodes.filter { $0.id != observer.id && !known.contains($0.id) }
            return missing.isEmpty ? nil : (observer.address, missing)
        }
    }
}

private func meet(node: ProbedNode) -> [String] {
    ["CLUSTER", "MEET", node.ip, "\(node.address.port)", "\(node.busPort)"]
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
