import ArgumentParser
import ClusterAdmin

struct SetTimeoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-timeout",
        abstract: "Set cluster-node-timeout on every node and save it (CONFIG REWRITE).")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Argument(help: "The timeout in milliseconds (at least 100).")
    var milliseconds: Int

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        guard milliseconds >= 100 else { throw ValidationError("the timeout must be at least 100 ms, not \(milliseconds)") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        context.terminal.print(">>> Reconfiguring node timeout in every cluster node...")
        var failed = 0
        for (node, result) in await NodeTimeoutSetter(options: context.options).apply(milliseconds: milliseconds, to: snapshot) {
            switch result {
            case .saved: context.terminal.print("*** New timeout set for \(node.address)")
            case .notSaved(let why): context.terminal.print("[WARNING] \(node.address): timeout set but not saved (CONFIG REWRITE: \(why))")
            case .failed(let error):
                failed += 1
                context.terminal.print("[ERR] \(error)")
            }
        }
        context.terminal.print(failed == 0 ? "[OK] \(snapshot.nodes.count) nodes updated." : "[ERR] \(failed) node(s) not updated.")
        if failed > 0 { throw ExitCode.failure }
    }
}
