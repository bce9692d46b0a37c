import ArgumentParser
import Provisioning

struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy the inventory's Redis nodes over SSH with Docker and create the cluster.",
        discussion: """
            Reads every host first (Docker, containers, redis.conf files, ports in use) and changes nothing \
            if a host is unreachable or unfit. Then, per host in parallel: data directories, redis.conf \
            (written atomically, only when changed), the image, the containers (docker run --net host). \
            Waits for every node, creates the cluster with each host as a failure domain, and checks it. \
            A second run on an unchanged inventory changes nothing. A changed redis.conf restarts only \
            its nodes, one at a time, a master after its replica took over.
            """)

    @OptionGroup var hosts: InventoryOptions

    @Flag(help: "Print the plan and stop; nothing is changed.")
    var dryRun = false

    @Flag(help: "Show the redis.conf lines that would change (passwords masked).")
    var diff = false

    @Option(help: "Seconds to wait for each node to answer, and for each restarted node to rejoin.")
    var nodeTimeout: Double = 60

    @Option(help: "Seconds to wait for a new cluster to join and reach cluster_state:ok.")
    var joinTimeout: Double = 60

    @OptionGroup var confirmation: ConfirmationOptions

    func validate() throws {
        guard nodeTimeout > 0, joinTimeout > 0 else { throw ValidationError("timeouts must be positive seconds") }
    }

    func run() async throws {
        let terminal = Terminal()
        let inventory = try hosts.load(terminal: terminal)
        let flow = DeployFlow(
            terminal: terminal, hostAccess: hosts, inventory: inventory, dryRun: dryRun, showDiff: diff || dryRun,
            confirm: { try confirmation.confirm("Apply these changes?", terminal: terminal, json: false) },
            nodeTimeout: .milliseconds(Int64(nodeTimeout * 1000)), joinTimeout: joinTimeout)
        try await flow.run()
    }
}
