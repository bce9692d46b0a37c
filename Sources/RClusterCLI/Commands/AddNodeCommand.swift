import ArgumentParser
import ClusterAdmin

struct AddNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-node",
        abstract: "Add an empty node to a cluster, as a master without slots or as a replica.",
        discussion: "Waits until every node knows the new one (and its role) before reporting success.")

    @Argument(help: "The new, empty node, as host:port.")
    var newNode: String

    @Argument(help: "Any node of the cluster, as host:port.")
    var existingNode: String

    @Flag(name: [.customLong("replica"), .customLong("slave"), .customLong("cluster-slave"), .customLong("cluster-replica")],
          help: "Add it as a replica.")
    var replica = false

    @Option(name: [.customLong("master-id"), .customLong("cluster-master-id")],
            help: "The master to replicate (full ID or a unique prefix); default: the master with slots that has the fewest replicas, preferring another host.")
    var masterID: String?

    @Option(help: "Seconds to wait for the cluster to accept the node.")
    var timeout: Double = 30

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(newNode)
        _ = try NodeAddressArgument.parse(existingNode)
        if masterID != nil && !replica { throw ValidationError("--master-id needs --replica") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let newAddress = try NodeAddressArgument.parse(newNode)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(existingNode))
        let terminal = context.terminal
        terminal.print(">>> Adding node \(newAddress) to cluster \(snapshot.entry.address)")
        do {
            let outcome = try await NodeAdder(options: context.options).add(
                newAddress, to: snapshot, role: replica ? .replica(masterID: masterID) : .master,
                timeout: .milliseconds(Int64(timeout * 1000)))
            if let master = outcome.master {
                if outcome.automaticallySelected { terminal.print("Automatically selected master \(master.address)") }
                terminal.print(">>> Configured as replica of \(master.address) (\(master.id))")
            }
            terminal.print("[OK] New node added correctly.")
        } catch {
            throw context.fail(error.description)
        }
    }
}
