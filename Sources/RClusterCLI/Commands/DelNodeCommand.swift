import ArgumentParser
import Foundation
import ClusterAdmin
import ClusterModel

struct DelNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "del-node",
        abstract: "Remove a node that owns no slots; works for a node that is down, too.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Argument(help: "The ID (or a unique prefix) of the node to remove, or its host:port.")
    var nodeID: String

    @Option(help: "Seconds to wait for every node to forget it.")
    var timeout: Double = 30

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        guard !nodeID.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give the ID of the node to remove") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        let terminal = context.terminal
        terminal.print(">>> Removing node \(nodeID) from cluster \(snapshot.entry.address)")
        do {
            // host:port works too, when it names a node of the cluster.
            let byAddress = (try? NodeAddress(parsing: nodeID)).flatMap { address in snapshot.nodes.first { $0.address == address } }
            let outcome = try await NodeRemover(options: context.options).remove(byAddress?.id ?? nodeID, from: snapshot,
                                                                                 timeout: .milliseconds(Int64(timeout * 1000)))
            for (replica, master) in outcome.movedReplicas {
                terminal.print(">>> \(replica.address) now replicates \(master.address)")
            }
            terminal.print(">>> Sending CLUSTER FORGET messages to the cluster... (\(outcome.forgotBy.count) nodes)")
            terminal.print(outcome.wasReset ? ">>> Sending CLUSTER RESET SOFT to the deleted node."
                                            : ">>> \(outcome.removed.address) does not answer: it was forgotten without a reset; reset or wipe it before reusing it.")
            terminal.print("[OK] Node \(outcome.removed.address) (\(outcome.removed.id)) removed.")
        } catch {
            throw context.fail(error.description)
        }
    }
}
