import ArgumentParser
import ClusterAdmin
import ClusterModel

struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a cluster from empty nodes, keeping replicas off their master's host.",
        discussion: """
            Checks every node first (reachable, cluster-enabled, empty) and changes nothing unless all pass. \
            The plan is printed in redis-cli's format with its seed; --dry-run stops there.
            """)

    @Argument(help: "The nodes, as host:port (hostnames and [IPv6]:port work).")
    var nodes: [String]

    @Option(name: [.customLong("replicas"), .customLong("cluster-replicas")], help: "Replicas per master.")
    var replicas = 0

    @Flag(help: "Print the plan and stop; nothing is changed.")
    var dryRun = false

    @Option(help: "Seed for tie-breaking in replica placement; a printed plan's seed reproduces it.")
    var seed: UInt64?

    @Option(help: "Seconds to wait for the nodes to join, replicas to attach and cluster_state:ok.")
    var joinTimeout: Double = 30

    @Flag(help: "If create fails after changing nodes, reset them (CLUSTER RESET HARD) so the same create can run again.")
    var resetOnFailure = false

    @OptionGroup var domains: FailureDomainOptions
    @OptionGroup var confirmation: ConfirmationOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !nodes.isEmpty else { throw ValidationError("list the nodes, e.g. rcluster create 127.0.0.1:7000 127.0.0.1:7001 ...") }
        for node in nodes { _ = try NodeAddressArgument.parse(node) }
        guard replicas >= 0 else { throw ValidationError("--replicas must be 0 or more") }
        let needed = 3 * (replicas + 1)
        guard nodes.count >= needed else {
            throw ValidationError("\(nodes.count) node(s) are too few: a cluster needs 3 masters, so --replicas \(replicas) needs at least \(needed) nodes")
        }
        guard joinTimeout > 0 else { throw ValidationError("--join-timeout must be positive seconds") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let addresses = try nodes.map(NodeAddressArgument.parse)
        let flow = CreateFlow(context: context, replicas: replicas, seed: seed, hostOf: try domains.hosts(for: addresses),
                              zoneOf: try domains.zones(), joinTimeout: joinTimeout, json: output.json,
                              resetOnFailure: resetOnFailure)
        try await flow.run(addresses, dryRun: dryRun) {
            try confirmation.confirm("Can I set the above configuration?", terminal: context.terminal, json: output.json)
        }
    }
}
