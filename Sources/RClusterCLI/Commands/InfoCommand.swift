import ArgumentParser
import ClusterAdmin

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show keys, slots and replicas per master, and totals.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws { _ = try NodeAddressArgument.parse(node) }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        if output.json {
            print(JSONOutput.render(InfoJSON(snapshot)))
        } else {
            SummaryText.lines(ClusterSummary(snapshot)).forEach(context.terminal.print)
        }
        if snapshot.masters.contains(where: { !$0.isReachable }) { throw ExitCode.failure }
    }
}
