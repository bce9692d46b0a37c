import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import LocalCluster
import RedisClient

/// A cluster on this machine, for trying rcluster out and for development.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run a cluster on this machine: rcluster's own nodes (rcluster server), or redis-server's.",
        subcommands: [LocalUpCommand.self, LocalDownCommand.self, LocalStatusCommand.self, LocalStopCommand.self, LocalStartCommand.self,
                      LocalKillCommand.self, LocalRestartCommand.self, LocalFailoverCommand.self, LocalPartitionCommand.self, LocalHealCommand.self, LocalSlowCommand.self, LocalLogsCommand.self,
                      LocalCallCommand.self])
}

struct LocalOptions: ParsableArguments {
    @Option(help: "Folder holding one sub-folder per node.")
    var dir = LocalOptions.defaultDirectory

    @Option(help: "Number of nodes (default 6, or as many as --dir already holds).")
    var nodes: Int?

    @Option(help: "Number of masters: the nodes are then masters x (replicas + 1), in place of --nodes.")
    var masters: Int?

    @Option(name: [.customLong("replicas"), .customLong("cluster-replicas")], help: "Replicas per master.")
    var replicas = 1

    @Option(help: "Port of the first node (default 7000, or the lowest port already in --dir); the others follow. Keep it below 22768 so bus ports (+10000) stay out of the ephemeral range.")
    var basePort: Int?

    @Option(help: "cluster-node-timeout for the nodes, in milliseconds.")
    var nodeTimeout = 2000

    @Option(help: "What runs the nodes: engine (this binary's rcluster server, nothing else to install) or redis-server.")
    var engine: LocalEngine = .engine

    var nodeCount: Int {
        masters.map { $0 * (replicas + 1) } ?? nodes
            ?? LocalClusterSpec.existingPorts(in: URL(fileURLWithPath: dir).standardizedFileURL).count.nonZero ?? 6
    }

    func validate() throws {
        if let masters, masters < 3 { throw ValidationError("--masters \(masters) is too few: a cluster needs at least 3") }
        let nodes = nodeCount
        guard nodes >= 3 * (replicas + 1) else {
            throw ValidationError("--nodes \(nodes) is too few for --replicas \(replicas): need at least \(3 * (replicas + 1))")
        }
        if let basePort, !(1024...55535 - nodes).contains(basePort) {
            throw ValidationError("--base-port must be between 1024 and \(55535 - nodes)")
        }
    }

    /// `local down` for this cluster, as the user would type it.
    var downCommand: String {
        dir == Self.defaultDirectory ? "rcluster local down" : "rcluster local down --dir \(dir)"
    }

    static let defaultDirectory = ".rcluster/local"

    /// The connection for a local command: the password given as to any
    /// command (-a, --askpass, REDISCLI_AUTH), or else the one the nodes'
    /// redis.conf holds, so that `local` commands need none.
    func context(_ connection: ConnectionOptions) throws -> ClusterCommandContext {
        let given = try ClusterCommandContext(connection: connection)
        guard given.options.auth == nil, let stored = LocalClusterSpec.storedPassword(in: spec.directory) else { return given }
        var options = given.options
        options.auth = RedisAuth(username: nil, password: stored)
        return ClusterCommandContext(terminal: given.terminal, options: options)
    }

    var spec: LocalClusterSpec {
        let directory = URL(fileURLWithPath: dir).standardizedFileURL
        let existing = LocalClusterSpec.existingPorts(in: directory)
        return LocalClusterSpec(directory: directory, nodeCount: nodeCount, replicas: replicas,
                                basePort: basePort ?? existing.first ?? 7000, nodeTimeoutMilliseconds: nodeTimeout)
    }
}

enum LocalEngine: String, ExpressibleByArgument, CaseIterable {
    case engine
    case redisServer = "redis-server"

    var server: LocalNodeLauncher.Server { self == .engine ? .thisBinary : .installedRedisServer }
}

extension Int {
    fileprivate var nonZero: Int? { self == 0 ? nil : self }
}

extension LocalClusterSpec {
    /// Why `port` is not one of this cluster's nodes, or nil when it is.
    func notANode(_ port: Int?, named name: String) -> String? {
        guard let port, ports.contains(port) else {
            return "\(name) is not a node of the local cluster in \(directory.path) (ports \(ports.first ?? 0)-\(ports.last ?? 0))"
        }
        return nil
    }
}

struct LocalUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start the nodes and create the cluster with rcluster's own create.")

    @OptionGroup var local: LocalOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Nodes without a password (by default a new cluster gets a generated one, shown once).")
    var noPassword = false

    func validate() throws {
        if noPassword && (connection.password != nil || connection.askpass) {
            throw ValidationError("use either --no-password or -a/--askpass, not both")
        }
    }

    func run() async throws {
        var spec = local.spec
        let given = try ClusterCommandContext(connection: connection)
        // The nodes require (and use for their masters) the password given as
        // to any command; else the one their redis.conf already holds; else,
        // for a new cluster, a generated one.
        let stored = LocalClusterSpec.storedPassword(in: spec.directory)
        let isNew = LocalClusterSpec.existingPorts(in: spec.directory).isEmpty
        spec.password = noPassword ? nil : given.options.auth?.password ?? stored ?? (isNew ? LocalClusterSpec.generatePassword() : nil)
        let generated = spec.password != nil && given.options.auth == nil && stored == nil
        if stored != spec.password, !isNew, !LocalNodeLauncher(spec: spec).runningPorts().isEmpty {
            throw given.fail("the nodes running in \(spec.directory.path) use \(stored == nil ? "no password" : "the password in their redis.conf"), not the one this up asks for; run `rcluster local down` first to change it, or leave out \(noPassword ? "--no-password" : "-a/--askpass/REDISCLI_AUTH")")
        }
        var options = given.options
        options.auth = spec.password.map { RedisAuth(username: options.auth?.username, password: $0) }
        let context = ClusterCommandContext(terminal: given.terminal, options: options)
        let launcher = LocalNodeLauncher(spec: spec, server: local.engine.server)
        for stale in launcher.removeStalePIDFiles() {
            let now = stale.reusedByAnotherProgram ? "is now another program" : "is gone"
            context.terminal.print(">>> Node \(stale.port) was not shut down by `local down` (a reboot, or a kill): its pid file named pid \(stale.pid), which \(now); the file is removed and the node starts again from its data")
        }
        let started: [Int]
        do {
            started = try launcher.start()
        } catch {
            throw context.fail("\(error)")
        }
        context.terminal.print(">>> \(spec.nodeCount) \(launcher.server.name) nodes in \(spec.directory.path) (\(started.count) started now)")
        try await waitForNodes(spec.addresses, context: context)
        // Nodes that were stopped keep their nodes.conf and rejoin on start.
        if (try? await ClusterLoader(options: context.options).load(from: spec.addresses[0]))?.nodes.count == spec.nodeCount {
            if started.isEmpty {
                context.terminal.print("[OK] The local cluster is already up; `rcluster local status` checks it.")
                return
            }
            try await waitForClusterState(spec.addresses, context: context)
            try await waitForReplicas(spec.addresses, context: context)
            context.terminal.print("[OK] The local cluster is up again (its nodes rejoined, with their data); `rcluster local status` checks it.")
            return
        }
        let flow = CreateFlow(context: context, replicas: spec.replicas, seed: nil, hostOf: [:], zoneOf: [:],
                              joinTimeout: 30, json: false, resetOnFailure: true)
        try await flow.run(spec.addresses, dryRun: false) { true }
        try await waitForReplicas(spec.addresses, context: context)
        context.terminal.print("[OK] Local cluster up: " + Self.connectionLine(spec, generated: generated, down: local.downCommand))
    }

    /// How to connect. A generated password is shown here, once; later it is
    /// read from the nodes' redis.conf (by `rcluster local ...` itself).
    static func connectionLine(_ spec: LocalClusterSpec, generated: Bool, down: String) -> String {
        let connect = "redis-cli -c -p \(spec.basePort), rcluster check 127.0.0.1:\(spec.basePort); stop it with \(down)"
        guard let password = spec.password else { return connect }
        guard generated else { return "REDISCLI_AUTH=<the password> " + connect }
        let kept = spec.nodeDirectory(port: spec.basePort).appendingPathComponent("redis.conf").path
        return "export REDISCLI_AUTH=\(password), then " + connect
            + "\n     The password was generated and is shown this once. It is kept (mode 0600) as requirepass in \(kept), where `rcluster local` commands read it; `local up --no-password` starts a new cluster without one."
    }

    /// Every replica's link to its master is up (its first sync done), so
    /// the cluster is ready to fail over the moment `up` returns.
    private func waitForReplicas(_ addresses: [NodeAddress], context: ClusterCommandContext) async throws {
        try await waitUntilEvery(addresses, answers: ["INFO", "replication"], context: context,
                                 failure: "the replicas did not finish their first sync within 30 s; see redis.log in \(local.dir)") {
            !$0.contains("role:slave") || $0.contains("master_link_status:up")
        }
    }

    /// Restarted nodes agree again: every one reports cluster_state:ok.
    private func waitForClusterState(_ addresses: [NodeAddress], context: ClusterCommandContext) async throws {
        try await waitUntilEvery(addresses, answers: ["CLUSTER", "INFO"], context: context,
                                 failure: "the restarted nodes did not reach cluster_state:ok within 30 s; `rcluster local status` shows which disagree, and redis.log in \(local.dir) why") {
            $0.contains("cluster_state:ok")
        }
    }

    /// Polls every node with `command` until each reply satisfies `done` (a
    /// node that cannot be reached does not), for at most 30 s.
    private func waitUntilEvery(_ addresses: [NodeAddress], answers command: [String], context: ClusterCommandContext,
                                failure: String, done: (String) -> Bool) async throws {
        for _ in 0..<600 {
            var settled = true
            for address in addresses where settled {
                let connection = try? await RedisConnection.connect(to: address, options: context.options)
                let reply = (try? await connection?.send(command).string) ?? nil
                await connection?.close()
                settled = reply.map(done) ?? false
            }
            if settled { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw context.fail(failure)
    }

    private func waitForNodes(_ addresses: [NodeAddress], context: ClusterCommandContext) async throws {
        for _ in 0..<600 {
            let results = await NodeProbe(options: context.options).probe(addresses)
            if results.allSatisfy({ if case .failure(.client(.connectFailed)) = $0 { false } else { true } }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw context.fail("the local nodes did not start listening within 30 s; see redis.log in \(local.dir)")
    }
}

struct LocalDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "down", abstract: "Stop the local nodes.")

    @OptionGroup var local: LocalOptions

    @Flag(help: "Also delete the nodes' folders (data, nodes.conf, logs).")
    var purge = false

    func run() async throws {
        let spec = local.spec
        let stopped = LocalNodeLauncher(spec: spec).stop()
        print(stopped.isEmpty ? "No local node was running." : "Stopped \(stopped.count) node(s): ports \(stopped.map(String.init).joined(separator: ", ")).")
        if purge {
            try? FileManager.default.removeItem(at: spec.directory)
            print("Removed \(spec.directory.path).")
        }
    }
}

struct LocalStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status",
        abstract: "A table of the local nodes (role, master, slots, keys, ops/s, memory, link, lag), then the cluster check.")

    @OptionGroup var local: LocalOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Refresh the table every second, in place on a terminal, until Ctrl-C.")
    var watch = false

    func run() async throws {
        let spec = local.spec
        let launcher = LocalNodeLauncher(spec: spec, server: local.engine.server)
        let context = try local.context(connection)
        repeat {
            let running = Set(launcher.runningPorts())
            var rows: [LocalNodeRow] = []
            for port in spec.ports { rows.append(await LocalNodeRow.read(port: port, running: running.contains(port), options: context.options)) }
            if watch {
                if isatty(STDOUT_FILENO) == 1 { print("\u{1B}[H\u{1B}[2J", terminator: "") }
                print(">>> \(running.count) of \(spec.nodeCount) local nodes running, \(ISO8601DateFormatter().string(from: Date()))")
                LocalNodeRow.table(rows).forEach { print($0) }
                fflush(nil)
                try await Task.sleep(for: .seconds(1))
                continue
            }
            guard let first = running.sorted().first else {
                throw context.fail("no local node is running in \(spec.directory.path); start them with rcluster local up")
            }
            let report = ClusterCheck.run(try await context.loadSnapshot(from: NodeAddress(host: "127.0.0.1", port: first)))
            if output.json {
                print(JSONOutput.render(LocalStatusJSON(nodes: rows, check: CheckJSON(report))))
            } else {
                context.terminal.print(">>> \(running.count) of \(spec.nodeCount) local nodes running")
                LocalNodeRow.table(rows).forEach(context.terminal.print)
                CheckText.lines(report).forEach(context.terminal.print)
            }
            if !report.isHealthy || running.count < spec.nodeCount { throw ExitCode.failure }
        } while watch
    }
}

/// `local status --json`: the table's rows and the check.
struct LocalStatusJSON: Encodable {
    let nodes: [LocalNodeRow]
    let check: CheckJSON
}
