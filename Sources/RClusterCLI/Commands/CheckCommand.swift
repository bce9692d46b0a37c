import ArgumentParser
import ClusterAdmin
import ClusterModel

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a cluster: slot agreement, open slots, coverage, unreachable nodes.",
        discussion: "Exits 0 when the cluster is healthy, 1 on any problem (the reference can exit 0 with warnings).")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Flag(name: [.customLong("search-multiple-owners"), .customLong("cluster-search-multiple-owners")],
          help: "Also report slots that more than one master claims.")
    var searchMultipleOwners = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { _ = try NodeAddressArgument.parse(node) }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        let report = ClusterCheck.run(snapshot, searchMultipleOwners: searchMultipleOwners)
        if output.json {
            print(JSONOutput.render(CheckJSON(report)))
        } else {
            CheckText.lines(report).forEach(context.terminal.print)
        }
        if !report.isHealthy { throw ExitCode.failure }
    }
}
