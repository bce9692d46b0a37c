import ArgumentParser
import ClusterAdmin
import ClusterModel
import Provisioning
import RedisClient

/// The Redis half of deploy: talks to the nodes themselves (not over SSH).
struct ClusterSide {
    let terminal: Terminal
    let options: RedisConnectionOptions
    let inventory: Inventory
    let nodeTimeout: Duration
    let joinTimeout: Double

    private var context: ClusterCommandContext { ClusterCommandContext(terminal: terminal, options: options) }

    static func addresses(_ spec: DeploymentSpec) -> [NodeAddress] {
        spec.hosts.flatMap { host, nodes in nodes.map { NodeAddress(host: host.address, port: $0.port) } }
    }

    func waitForNodes(_ spec: DeploymentSpec, remotes: [RemoteHost]) async throws {
        let addresses = Self.addresses(spec)
        terminal.print(">>> Waiting for \(addresses.count) node(s) to answer")
        let silent = await NodeReadiness(options: options).waitUntilAnswering(addresses, timeout: nodeTimeout)
        guard !silent.isEmpty else { return }
        for (address, reason) in silent {
            terminal.warn("[ERR] node \(address) does not answer: \(reason)")
            if let remote = remotes.first(where: { $0.host.address == address.host }) {
                let logs = await remote.logs(port: address.port)
                if !logs.isEmpty {
                    terminal.warn("      last lines of container redis-\(address.port) on \(remote.host.name):")
                    logs.split(separator: "\n").forEach { terminal.warn("        \($0)") }
                }
            }
        }
        throw context.fail("\(silent.count) node(s) did not answer within \(nodeTimeout.components.seconds) s (above); the containers are in place: fix the cause and run deploy again")
    }

    /// Creates the cluster when every node is new; accepts it when every node
    /// is already a member; otherwise says which nodes are out and how to add them.
    /// True when it created the cluster (and printed the new cluster's check).
    func ensureCluster(_ spec: DeploymentSpec, limited: Bool) async throws -> Bool {
        let addresses = Self.addresses(spec)
        let probes = await NodeProbe(options: options).probe(addresses)
        var fresh: [NodeAddress] = []
        for (address, probe) in zip(addresses, probes) {
            switch probe {
            case .success(let node) where node.problems.isEmpty: fresh.append(address)
            case .success: continue
            case .failure(let error): throw context.fail("node \(address): \(error)")
            }
        }
        if fresh.count == addresses.count {
            guard !limited else {
                throw context.fail("the nodes are new and --limit covers only part of the inventory; run deploy without --limit to create the cluster")
            }
            terminal.print(">>> Creating the cluster: \(addresses.count) nodes, \(inventory.replicas) replica(s) per master, inventory hosts as failure domains")
            var hostOf: [NodeAddress: String] = [:]
            var zoneOf: [String: String] = [:]
            for (host, nodes) in spec.hosts {
                for node in nodes { hostOf[NodeAddress(host: host.address, port: node.port)] = host.name }
                if let zone = host.zone { zoneOf[host.name] = zone }
            }
            let flow = CreateFlow(context: context, replicas: inventory.replicas, seed: nil, hostOf: hostOf, zoneOf: zoneOf,
                                  joinTimeout: joinTimeout, json: false, resetOnFailure: true)
            try await flow.run(addresses, dryRun: false) { true }
            return true
        }
        let members = Set(addresses).subtracting(fresh)
        let entry = members.sorted()[0]
        let snapshot = try await context.loadSnapshot(from: entry)
        let known = Set(snapshot.nodes.map(\.address))
        let outside = addresses.filter { !known.contains($0) && !fresh.contains($0) }
        guard outside.isEmpty else {
            let hints = outside.map { "  rcluster add-node \($0) \(entry)   (after CLUSTER RESET on it, if it should start afresh)" }
            throw context.fail((["\(outside.count) node(s) of the inventory belong to no cluster this one knows: \(outside.map(\.description).joined(separator: ", ")). Add them:"] + hints).joined(separator: "\n"))
        }
        try await addAsReplicas(fresh, entry: entry)
        return false
    }

    /// New nodes of an existing cluster (ports or hosts added to the
    /// inventory) join as replicas of the masters with the fewest replicas,
    /// on another host where possible; `rcluster rebalance` can give slots to
    /// masters added by hand with add-node.
    private func addAsReplicas(_ fresh: [NodeAddress], entry: NodeAddress) async throws {
        for address in fresh {
            let snapshot = try await context.loadSnapshot(from: entry)
            if let stale = snapshot.nodes.first(where: { $0.address == address }) {
                terminal.print("[WARNING] the cluster still lists \(address) as node \(stale.shortID) (its data was lost?); remove that entry with rcluster del-node \(entry) \(stale.id)")
            }
            do {
                let outcome = try await NodeAdder(options: options).add(address, to: snapshot, role: .replica(masterID: nil), timeout: nodeTimeout)
                terminal.print("[OK] \(address) joined as a replica of \(outcome.master.map { "\($0.address)" } ?? "?")")
            } catch {
                throw context.fail("adding \(address) to the cluster: \(error)")
            }
        }
    }

    /// One node at a time; a master hands over to its replica first.
    func rollingRestarts(_ plans: [HostPlan], remotes: [RemoteHost]) async throws {
        let restart = RollingRestart(options: options)
        for (plan, remote) in zip(plans, remotes) {
            for port in plan.restarts {
                guard let node = plan.nodes.first(where: { $0.port == port }) else { continue }
                let address = NodeAddress(host: plan.host.address, port: port)
                terminal.print(">>> Restarting \(address) on \(plan.host.name) for its new redis.conf")
                do {
                    try await restart.restart(address, timeout: nodeTimeout, restartNode: { try await remote.restart(node) }) { event in
                        switch event {
                        case .failedOver(let from, let to): terminal.print("    \(to) took over from \(from) (CLUSTER FAILOVER)")
                        case .noReplicaToFailOver(let node): terminal.print("[WARNING] \(node) is a master with no reachable replica: its slots are unavailable while it restarts")
                        case .restarted: terminal.print("    restarted")
                        case .back(let node, let role): terminal.print("[OK] \(node) is back as a \(role)")
                        case .failedBack(let node): terminal.print("[OK] \(node) is a master again (CLUSTER FAILOVER back)")
                        }
                    }
                } catch {
                    throw context.fail("restarting \(address): \(error); the other nodes were not touched. Run deploy again once it is fixed.")
                }
            }
        }
    }

    /// Waits for cluster_state:ok and a clean check (a node that just came
    /// back needs a moment of gossip), then prints the check.
    func requireHealthy(_ spec: DeploymentSpec, quiet: Bool) async throws {
        let addresses = Self.addresses(spec)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: nodeTimeout)
        _ = await ClusterAgreement(options: options).waitForStateOK(addresses, timeout: nodeTimeout)
        while true {
            let snapshot = try await context.loadSnapshot(from: addresses[0])
            let report = ClusterCheck.run(snapshot)
            if report.isHealthy || clock.now >= deadline {
                if !(quiet && report.isHealthy) { CheckText.lines(report).forEach(terminal.print) }
                if !report.isHealthy { throw context.fail("the cluster does not pass its check (above); see rcluster fix") }
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
