import ArgumentParser
import ClusterAdmin

struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Run a command on every node (or only masters / replicas), in parallel.",
        discussion: "Exits 1 when any node fails or answers with an error.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Argument(parsing: .allUnrecognized, help: "The command and its arguments (put them after -- if one looks like an rcluster option).")
    var command: [String] = []

    @Flag(name: [.customLong("only-masters"), .customLong("cluster-only-masters")], help: "Only masters.")
    var onlyMasters = false

    @Flag(name: [.customLong("only-replicas"), .customLong("cluster-only-replicas")], help: "Only replicas.")
    var onlyReplicas = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    /// The command without the `--` that protects option-like arguments.
    private var arguments: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        guard !arguments.isEmpty else { throw ValidationError("name the command to run, e.g. rcluster call 127.0.0.1:7000 DBSIZE") }
        if command.first != "--", let typo = command.first(where: { $0.hasPrefix("--only") || $0.hasPrefix("--cluster-") }) {
            throw ValidationError("'\(typo)' is not an rcluster option (did you mean --only-masters or --only-replicas?); put the command after -- to send it as it is")
        }
        if onlyMasters && onlyReplicas { throw ValidationError("--only-masters and --only-replicas exclude each other") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        let target: NodeCommandRunner.Target = onlyMasters ? .masters : onlyReplicas ? .replicas : .all
        let outcomes = await NodeCommandRunner(options: context.options).run(arguments, on: snapshot, target: target)
        if output.json {
            print(JSONOutput.render(outcomes.map(CallOutcomeJSON.init)))
        } else {
            context.terminal.print(">>> Calling \(arguments.joined(separator: " "))")
            for outcome in outcomes {
                switch outcome.result {
                case .success(let reply): context.terminal.print("\(outcome.node.address): \(ReplyText.raw(reply))")
                case .failure(let error): context.terminal.print("\(outcome.node.address): Failed! \(error.serverError?.message ?? error.description)")
                }
            }
        }
        if outcomes.contains(where: { if case .failure = $0.result { true } else { false } }) { throw ExitCode.failure }
    }
}
