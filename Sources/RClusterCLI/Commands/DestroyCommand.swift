import ArgumentParser
import Provisioning

struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Remove the inventory's Redis containers (found by their rcluster label); --purge-data also deletes their data.")

    @OptionGroup var hosts: InventoryOptions

    @Flag(help: "Also delete each node's data directory (redis.conf, nodes.conf, RDB/AOF). Irreversible.")
    var purgeData = false

    @OptionGroup var confirmation: ConfirmationOptions

    func run() async throws {
        let terminal = Terminal()
        let inventory = try hosts.load(terminal: terminal)
        let spec: DeploymentSpec
        do { spec = try DeploymentSpec(inventory: inventory, password: nil) } catch {
            terminal.warn("[ERR] \(error)")
            throw ExitCode.failure
        }
        terminal.print(">>> This removes the containers of cluster '\(inventory.clusterName)' on \(spec.hosts.map(\.host.name).joined(separator: ", "))")
        if purgeData {
            terminal.print("[WARNING] --purge-data deletes: \(spec.hosts.flatMap { $0.nodes.map { "\($0.host.name):\($0.dataDirectory)" } }.joined(separator: " "))")
        }
        guard try confirmation.confirm("Destroy?", terminal: terminal, json: false) else {
            terminal.warn("[ERR] Aborted: nothing was removed.")
            throw ExitCode.failure
        }
        let connected = await HostAccess(options: hosts, terminal: terminal).connect(spec.hosts.map(\.host))
        let clusterName = inventory.clusterName, purge = purgeData
        let work = zip(spec.hosts, connected).map { ($0.nodes, $1) }
        let outcomes = await HostFanOut.map(work, limit: hosts.forks) { nodes, connection -> HostOutcome in
            switch connection {
            case .failure(let error):
                terminal.warn("[ERR] \(error)")
                return .unreachable(DeployFlow.shortReason(error))
            case .success(let remote):
                let removed = await Result(catching: { () async throws(ProvisioningError) in
                    try await remote.destroy(clusterName: clusterName, nodes: nodes, purgeData: purge)
                })
                // Closed before returning: a close still running at exit races
                // OpenSSL's atexit cleanup and crashes (seen here).
                await remote.client.close()
                switch removed {
                case .success(let names):
                    terminal.print("\(remote.host.name): removed \(names.isEmpty ? "nothing (no container of this cluster)" : names.joined(separator: ", "))\(purge ? "; data deleted" : "")")
                    return names.isEmpty && !purge ? .ok : .changed(names.count)
                case .failure(let error):
                    terminal.warn("[ERR] \(error)")
                    return .failed(error.description)
                }
            }
        }
        let recap = Array(zip(spec.hosts.map(\.host), outcomes)).map { (host: $0.0, outcome: $0.1) }
        DeployRecap.lines(recap).forEach(terminal.print)
        if outcomes.contains(where: \.isFailure) { throw ExitCode.failure }
        if !purge { terminal.print("Data directories were kept; deploy brings the same nodes back, destroy --purge-data deletes them.") }
    }
}
