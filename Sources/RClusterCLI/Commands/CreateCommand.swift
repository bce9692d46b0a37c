import ArgumentParser
import ClusterAdmin
import ClusterModel
import Planner

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
        let probed: [ProbedNode]
        do {
            probed = try CreatePreparation.readyNodes(await NodeProbe(options: context.options).probe(addresses), addresses: addresses)
        } catch {
            throw context.fail(error.description)
        }
        let plannerNodes = CreatePreparation.plannerNodes(probed, hostOf: try domains.hosts(), zoneOf: try domains.zones())
        let layout: ClusterLayout
        do {
            layout = try LayoutPlanner.plan(nodes: plannerNodes, replicas: replicas, seed: seed ?? UInt64.random(in: 0...UInt64.max))
        } catch {
            throw context.fail(error.description)
        }

        if output.json && dryRun {
            print(JSONOutput.render(LayoutJSON(layout, nodes: probed)))
            return
        }
        if !output.json { LayoutText.lines(layout, nodes: probed).forEach(context.terminal.print) }
        if dryRun { return }
        guard try confirmation.confirm("Can I set the above configuration?", terminal: context.terminal, json: output.json) else {
            throw context.fail("Aborted: the configuration was not accepted; nothing was changed.")
        }
        try await apply(layout, probed: probed, context: context)
    }

    private func apply(_ layout: ClusterLayout, probed: [ProbedNode], context: ClusterCommandContext) async throws {
        let terminal = context.terminal
        let quiet = output.json
        do {
            try await ClusterCreator(options: context.options).create(
                layout: layout, nodes: probed, joinTimeout: .milliseconds(Int64(joinTimeout * 1000))
            ) { event in
                guard !quiet else { return }
                switch event {
                case .slotsAssigned: terminal.print(">>> Nodes configuration updated")
                case .epochsAssigned: terminal.print(">>> Assign a different config epoch to each node")
                case .meetsSent:
                    terminal.print(">>> Sending CLUSTER MEET messages to join the cluster")
                    terminal.print("Waiting for the cluster to join")
                case .joined(let after): terminal.print("[OK] All \(probed.count) nodes joined (\(after.milliseconds) ms)")
                case .replicasAttached(let after): terminal.print("[OK] All replicas attached (\(after.milliseconds) ms)")
                case .stateOK(let after): terminal.print("[OK] cluster_state:ok on every node (\(after.milliseconds) ms)")
                }
            }
        } catch {
            throw context.fail("\(error.description)\nThe nodes may be partly configured; run rcluster check \(probed[0].address) to see where they stand.")
        }
        let snapshot = try await context.loadSnapshot(from: probed[0].address)
        let report = ClusterCheck.run(snapshot)
        if quiet {
            print(JSONOutput.render(CreateJSON(plan: LayoutJSON(layout, nodes: probed), check: CheckJSON(report))))
        } else {
            CheckText.lines(report).forEach(terminal.print)
        }
        if !report.isHealthy { throw context.fail("the new cluster does not pass its check; see above") }
    }
}

struct CreateJSON: Encodable {
    let schema = "rcluster.create/1"
    let plan: LayoutJSON
    let check: CheckJSON
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
