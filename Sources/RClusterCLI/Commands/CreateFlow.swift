import ArgumentParser
import ClusterAdmin
import ClusterModel
import Planner

/// probe -> plan -> show -> confirm -> apply -> check: shared by `create` and `local up`.
struct CreateFlow {
    let context: ClusterCommandContext
    let replicas: Int
    let seed: UInt64?
    let hostOf: [NodeAddress: String]
    let zoneOf: [String: String]
    let joinTimeout: Double
    let json: Bool
    /// After a failure, CLUSTER RESET HARD the nodes that hold part of the attempt.
    var resetOnFailure = false

    func run(_ addresses: [NodeAddress], dryRun: Bool, confirm: () throws -> Bool) async throws {
        let probed: [ProbedNode]
        do {
            probed = try CreatePreparation.readyNodes(await NodeProbe(options: context.options).probe(addresses), addresses: addresses)
        } catch {
            throw context.fail(error.description)
        }
        for address in hostOf.keys where !probed.contains(where: { $0.address == address || $0.meetAddress == address }) {
            throw context.fail("--host-of \(address) names no node of the list; use the address as given (or its IP)")
        }
        let plannerNodes = CreatePreparation.plannerNodes(probed, hostOf: hostOf, zoneOf: zoneOf)
        for host in zoneOf.keys where !plannerNodes.contains(where: { $0.host == host }) {
            throw context.fail("--zone-of \(host) names no host of the nodes (hosts: \(Set(plannerNodes.map(\.host)).sorted().joined(separator: ", ")))")
        }
        let layout: ClusterLayout
        do {
            layout = try LayoutPlanner.plan(nodes: plannerNodes, replicas: replicas, seed: seed ?? UInt64.random(in: 0...UInt64.max))
        } catch {
            throw context.fail(error.description)
        }
        if json && dryRun {
            print(JSONOutput.render(LayoutJSON(layout, nodes: probed)))
            return
        }
        if !json { LayoutText.lines(layout, nodes: probed).forEach(context.terminal.print) }
        if dryRun { return }
        guard try confirm() else {
            throw context.fail("Aborted: the configuration was not accepted; nothing was changed.")
        }
        try await apply(layout, probed: probed)
    }

    private func apply(_ layout: ClusterLayout, probed: [ProbedNode]) async throws {
        let terminal = context.terminal
        let quiet = json
        do {
            try await ClusterCreator(options: context.options).create(
                layout: layout, nodes: probed, joinTimeout: .milliseconds(Int64(joinTimeout * 1000))
            ) { event in
                guard !quiet else { return }
                switch event {
                case .slotsAssigned: terminal.print(">>> Nodes configuration updated")
                case .epochsAssigned: terminal.print(">>> Assign a different config epoch to each node")
                case .meetsSent:
                    terminal.print(">>> Sending CLUSTER MEET messages to join the cluster")
                    terminal.print("Waiting for the cluster to join")
                case .joined(let after): terminal.print("[OK] All \(probed.count) nodes joined (\(after.milliseconds) ms)")
                case .replicasAttached(let after):
                    terminal.print("[OK] All nodes agree on slots and replicas (\(after.milliseconds) ms)")
                    terminal.print(">>> Waiting for cluster_state:ok (a new master holds back 0.5 s after taking slots; cluster-node-timeout is lowered for that during create, then restored)")
                case .stateOK(let after): terminal.print("[OK] cluster_state:ok on every node (\(after.milliseconds) ms)")
                }
            }
        } catch {
            throw context.fail(([error.description] + (await leftovers(probed.map(\.address)))).joined(separator: "\n"))
        }
        let snapshot = try await context.loadSnapshot(from: probed[0].address)
        let report = ClusterCheck.run(snapshot)
        if quiet {
            print(JSONOutput.render(CreateJSON(plan: LayoutJSON(layout, nodes: probed), check: CheckJSON(report))))
        } else {
            CheckText.lines(report).forEach(terminal.print)
        }
        if !report.isHealthy { throw context.fail("the new cluster does not pass its check; see above") }
    }

    /// What the failed attempt left on each node, and the way back.
    private func leftovers(_ addresses: [NodeAddress]) async -> [String] {
        let survey = CreateLeftovers(options: context.options)
        var nodes = await survey.survey(addresses)
        guard nodes.contains(where: \.needsReset) else { return ["No node kept any of it: run the same create again."] }
        if resetOnFailure { nodes = await survey.reset(nodes) }
        var lines = [resetOnFailure ? "What the nodes held, and the reset (--reset-on-failure):" : "What each node holds now:"]
        for node in nodes {
            switch node.state {
            case .untouched: lines.append("  \(node.address): unchanged")
            case .partial(let facts): lines.append("  \(node.address): \(facts)")
            case .unreachable(let why): lines.append("  \(node.address): does not answer (\(why)); it may hold part of the attempt")
            case .reset(let facts): lines.append("  \(node.address): \(facts); reset (CLUSTER RESET HARD)")
            case .resetFailed(let why): lines.append("  \(node.address): reset failed: \(why)")
            }
        }
        let pending = nodes.filter(\.needsReset)
        if pending.isEmpty {
            lines.append("Every node is empty and alone again: fix the cause above, then run the same create again.")
        } else {
            lines.append(resetOnFailure ? "Reset these by hand once they answer, then run create again:"
                                        : "To start again, reset them, then run create again (--reset-on-failure resets them by itself next time):")
            lines += pending.map { "  \($0.resetCommand)" }
            if context.options.auth != nil { lines.append("  (with the password in REDISCLI_AUTH)") }
        }
        return lines
    }
}
