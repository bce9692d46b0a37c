import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import Provisioning
import RedisClient

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the inventory's hosts, containers and node roles, then check the cluster.")

    @OptionGroup var hosts: InventoryOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let terminal = Terminal()
        let inventory = try hosts.load(terminal: terminal)
        let password = try? inventoryPassword(inventory)
        let spec: DeploymentSpec
        do { spec = try DeploymentSpec(inventory: inventory, password: password) } catch {
            terminal.warn("[ERR] \(error)")
            throw ExitCode.failure
        }
        let inspected = await HostAccess(options: hosts, terminal: terminal).inspect(spec.hosts)
        let options = RedisConnectionOptions(connectTimeoutMilliseconds: 1000, auth: password.map { RedisAuth(password: $0) })
        let addresses = ClusterSide.addresses(spec)
        let roles = await NodeRoles.read(addresses, options: options)
        var report: StatusReport = StatusReport(hosts: [], check: nil)
        for ((host, nodes), result) in zip(spec.hosts, inspected) {
            var entry = StatusReport.Host(name: host.name, address: host.address, reachable: true, error: nil, nodes: [])
            switch result {
            case .failure(let error):
                entry.reachable = false
                entry.error = error.description
            case .success(let (remote, observed)):
                await remote.client.close()
                for node in nodes {
                    let container = observed.containers[node.containerName]
                    let address = NodeAddress(host: host.address, port: node.port)
                    entry.nodes.append(.init(port: node.port, container: container?.state ?? "absent",
                                             configCurrent: observed.configs[node.port] == node.config, role: roles[address] ?? "down"))
                }
            }
            report.hosts.append(entry)
        }
        if let entry = addresses.first(where: { roles[$0] != nil && roles[$0] != "down" }) {
            if let snapshot = try? await ClusterLoader(options: options).load(from: entry) {
                report.check = ClusterCheck.run(snapshot)
            }
        }
        if output.json {
            print(JSONOutput.render(report.json))
        } else {
            report.lines.forEach(terminal.print)
        }
        if !report.isHealthy { throw ExitCode.failure }
    }

    private func inventoryPassword(_ inventory: Inventory) throws -> String? {
        guard case .password(let file) = inventory.auth else { return nil }
        return try SecretsFile.load(path: file)
    }
}
