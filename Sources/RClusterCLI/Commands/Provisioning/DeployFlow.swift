import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import Provisioning
import RedisClient

/// inventory -> read every host over SSH -> plan -> confirm -> apply per host
/// in parallel -> wait for the nodes -> create the cluster (hosts as failure
/// domains) -> rolling restarts for changed redis.conf -> check -> recap.
struct DeployFlow {
    let terminal: Terminal
    let hostAccess: InventoryOptions
    let inventory: Inventory
    let dryRun: Bool
    let showDiff: Bool
    let confirm: () throws -> Bool
    let nodeTimeout: Duration
    let joinTimeout: Double

    func run() async throws {
        let password = try clusterPassword()
        let spec: DeploymentSpec
        do { spec = try DeploymentSpec(inventory: inventory, password: password) } catch { throw fail(error.description) }
        let access = HostAccess(options: hostAccess, terminal: terminal)
        terminal.print(">>> Reading \(spec.hosts.count) host(s) over SSH")
        let inspected = await access.inspect(spec.hosts)
        let remotes = inspected.compactMap { try? $0.get().0 }
        do {
            try await run(spec, inspected: inspected, remotes: remotes, password: password)
        } catch {
            for remote in remotes { await remote.client.close() }
            throw error
        }
        for remote in remotes { await remote.client.close() }
    }

    private func run(_ spec: DeploymentSpec, inspected: [Result<(RemoteHost, ObservedHost), ProvisioningError>],
                     remotes: [RemoteHost], password: String?) async throws {
        var plans: [HostPlan] = []
        var outcomes: [(host: InventoryHost, outcome: HostOutcome)] = []
        var observed: [String: ObservedHost] = [:]
        for ((host, nodes), result) in zip(spec.hosts, inspected) {
            switch result {
            case .success(let (_, state)):
                let plan = DeployPlanner.plan(nodes: nodes, observed: state)
                plans.append(plan)
                observed[host.name] = state
                outcomes.append((host, plan.blockers.isEmpty ? .ok : .blocked(plan.blockers)))
            case .failure(let error):
                terminal.warn("[ERR] \(error)")
                outcomes.append((host, .unreachable(Self.shortReason(error))))
            }
        }
        DeployPlanText.lines(plans, diff: showDiff, observed: observed).forEach(terminal.print)
        if outcomes.contains(where: { $0.outcome.isFailure }) {
            DeployRecap.lines(outcomes).forEach(terminal.print)
            throw fail("deploy stopped before changing anything: fix the problems above and run it again")
        }
        let changing = plans.contains { !$0.actions.isEmpty }
        if changing { terminal.print("Then: wait for every node, create the cluster if it does not exist (\(inventory.replicas) replica(s) per master, no replica on its master's host), and check it.") }
        if dryRun {
            terminal.print("--dry-run: nothing was changed.")
            return
        }
        if changing {
            guard try confirm() else { throw fail("Aborted: nothing was changed.") }
        }
        outcomes = await apply(plans, remotes: remotes)
        if outcomes.contains(where: { $0.outcome.isFailure }) {
            DeployRecap.lines(outcomes).forEach(terminal.print)
            throw fail("some hosts failed (above); hosts marked changed keep their changes. Fix the problem and run deploy again (it picks up where it stopped), or remove everything with rcluster destroy -i \(inventory.path)")
        }
        let cluster = ClusterSide(terminal: terminal, options: RedisConnectionOptions(auth: password.map { RedisAuth(password: $0) }),
                                  inventory: inventory, nodeTimeout: nodeTimeout, joinTimeout: joinTimeout)
        do {
            try await cluster.waitForNodes(spec, remotes: remotes)
            let created = try await cluster.ensureCluster(spec, limited: !hostAccess.limit.isEmpty)
            try await cluster.rollingRestarts(plans, remotes: remotes)
            try await cluster.requireHealthy(spec, quiet: created && plans.allSatisfy { $0.restarts.isEmpty })
        } catch {
            DeployRecap.lines(outcomes).forEach(terminal.print)
            throw error
        }
        DeployRecap.lines(outcomes).forEach(terminal.print)
        terminal.print(changing ? "[OK] Deployed: the cluster matches \(inventory.path)." : "[OK] No changes: every host, container and redis.conf already matched \(inventory.path).")
    }

    private func clusterPassword() throws -> String? {
        switch inventory.auth {
        case .disabled:
            terminal.warn("[WARNING] cluster.auth.enabled is false: the nodes get no password, so anyone who reaches their ports can read and change every key")
            return nil
        case .password(let file):
            if dryRun && !FileManager.default.fileExists(atPath: file) {
                terminal.print("A password will be generated into \(file) (mode 0600).")
                return "(generated on the first deploy)"
            }
            do {
                let outcome = try SecretsFile.loadOrCreate(path: file)
                if case .generated = outcome { terminal.print("[OK] Generated the cluster password into \(file) (mode 0600); keep it out of version control") }
                return outcome.password
            } catch {
                throw fail(error.description)
            }
        }
    }

    /// Per host in parallel, the host's actions in order; a failure stops that host only.
    private func apply(_ plans: [HostPlan], remotes: [RemoteHost]) async -> [(host: InventoryHost, outcome: HostOutcome)] {
        let terminal = self.terminal
        let work = zip(plans, remotes).map { ($0, $1) }
        return await HostFanOut.map(work, limit: hostAccess.forks) { plan, remote in
            let actions = plan.immediateActions
            for action in actions {
                let result = await Result(catching: { () async throws(ProvisioningError) in try await remote.apply(action, nodes: plan.nodes) })
                if case .failure(let error) = result {
                    terminal.warn("[ERR] \(error)")
                    return (plan.host, .failed(error.description))
                }
                terminal.print("\(plan.host.name): \(action)")
            }
            return (plan.host, plan.actions.isEmpty ? .ok : .changed(plan.actions.count))
        }
    }

    static func shortReason(_ error: ProvisioningError) -> String {
        if case .ssh(_, let ssh) = error {
            switch ssh {
            case .hostKeyMismatch: return "host key mismatch"
            case .hostKeyUnknown: return "host key not in known_hosts"
            case .timedOut: return "SSH timed out"
            case .connectFailed: return "SSH connection refused"
            case .authenticationFailed, .rsaSignatureRefused, .passphraseRequired: return "SSH login failed"
            default: return "SSH failed"
            }
        }
        return "failed"
    }

    func fail(_ message: String) -> ExitCode {
        terminal.warn("[ERR] \(message)")
        return .failure
    }
}
