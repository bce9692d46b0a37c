import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import LocalCluster
import RedisClient

/// The faults a process signal cannot give: a network partition between
/// groups of nodes and slow replies. The engine injects them itself
/// (DEBUG FAULT), so they need no root, iptables or tc.
enum LocalNetworkFaults {
    /// `DEBUG FAULT <arguments>` on one node, its failure in words.
    static func inject(_ arguments: [String], port: Int, context: ClusterCommandContext) async throws {
        let address = NodeAddress(host: "127.0.0.1", port: port)
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(to: address, options: context.options)
        } catch {
            throw context.fail("node \(port): \(error); is it running? (`rcluster local status`)")
        }
        defer { Task { await connection.close() } }
        do {
            _ = try await connection.send(["DEBUG", "FAULT"] + arguments)
        } catch {
            let message = error.serverError?.message ?? error.description
            if message.contains("unknown subcommand") || message.contains("unknown command") {
                throw context.fail("node \(port) cannot inject faults: it is not run by the engine (a cluster from `local up --engine redis-server`); partition and slow need `local up` on the engine")
            }
            throw context.fail("node \(port): \(message)")
        }
    }

    /// The running cluster's nodes as one of them sees it.
    static func snapshot(_ spec: LocalClusterSpec, server: LocalNodeLauncher.Server,
                         context: ClusterCommandContext) async throws -> ClusterSnapshot {
        let running = LocalNodeLauncher(spec: spec, server: server).runningPorts()
        for port in running {
            if let snapshot = try? await ClusterLoader(options: context.options).load(from: NodeAddress(host: "127.0.0.1", port: port)) {
                return snapshot
            }
        }
        throw context.fail(running.isEmpty ? "no local node is running in \(spec.directory.path); start them with rcluster local up"
                                           : "no running node answered CLUSTER NODES (ports \(running.map(String.init).joined(separator: ", ")))")
    }

    static func ports(_ names: [String], spec: LocalClusterSpec, context: ClusterCommandContext) throws -> [Int] {
        try names.map { name in
            let port = Int(name.split(separator: ":").last ?? "")
            if let refusal = spec.notANode(port, named: name) { throw context.fail(refusal) }
            return port!
        }
    }

    /// What a partition of `isolated` from `others` should lead to, master by master.
    static func expectation(isolated: [ObservedNode], others: [ObservedNode], all: [ObservedNode], timeout: Int) -> String {
        // Failure detection needs a majority of the masters that serve slots.
        let serving = { (nodes: [ObservedNode]) in nodes.filter { $0.isMaster && !$0.slots.isEmpty }.count }
        let isolatedIsMinority = serving(isolated) * 2 <= serving(all)
        let minority = isolatedIsMinority ? isolated : others
        let majorityPorts = Set((isolatedIsMinority ? others : isolated).map(\.address.port))
        var lines: [String] = []
        for master in minority where master.isMaster && !master.slots.isEmpty {
            let replica = all.first { $0.masterID == master.id && majorityPorts.contains($0.address.port) }
            var line = "master \(master.address.port) is on the minority side: after node-timeout (\(timeout / 1000) s) it refuses writes (CLUSTERDOWN)"
            if let replica {
                line += "; its replica \(replica.address.port) should take over in about 2 x node-timeout (\(2 * timeout / 1000) s)"
            } else {
                line += "; no replica of it is on the majority side, so its slots stay unserved there"
            }
            lines.append(line + ".")
        }
        if lines.isEmpty { lines.append("no master serving slots is on the minority side: the cluster keeps serving every slot.") }
        return lines.joined(separator: "\n")
    }
}

struct LocalPartitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Cut nodes off from the others: bus messages dropped, replication links cut and refused.",
        discussion: "Without --from the named nodes are cut off from every other node. A new partition replaces the one before; `rcluster local heal` ends it. Clients still reach every node.")
    @OptionGroup var local: LocalOptions

    @Argument(help: "The nodes of one side (ports).")
    var nodes: [String]

    @Option(parsing: .upToNextOption, help: "The nodes of the other side (default: every other node).")
    var from: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let context = try local.context(connection)
        let spec = local.spec
        let side = Set(try LocalNetworkFaults.ports(nodes, spec: spec, context: context))
        let named = Set(try LocalNetworkFaults.ports(from, spec: spec, context: context))
        if let both = side.intersection(named).min() { throw context.fail("node \(both) is on both sides of the partition") }
        let snapshot = try await LocalNetworkFaults.snapshot(spec, server: local.engine.server, context: context)
        let all = snapshot.nodes
        let isolated = all.filter { side.contains($0.address.port) }
        let others = all.filter { named.isEmpty ? !side.contains($0.address.port) : named.contains($0.address.port) }
        if let missing = side.union(named).subtracting(all.map(\.address.port)).min() {
            throw context.fail("node \(missing) is not in the cluster as its nodes see it (`rcluster local status`)")
        }
        guard !others.isEmpty else { throw context.fail("the other side of the partition is empty: name fewer nodes, or some with --from") }
        for node in all {
            let peers = isolated.contains { $0.id == node.id } ? others : others.contains { $0.id == node.id } ? isolated : []
            try await LocalNetworkFaults.inject(["PARTITION"] + peers.map(\.id), port: node.address.port, context: context)
        }
        let ports = { (nodes: [ObservedNode]) in nodes.map { String($0.address.port) }.sorted().joined(separator: " ") }
        context.terminal.print("partitioned \(ports(isolated)) from \(ports(others)).")
        context.terminal.print(LocalNetworkFaults.expectation(isolated: isolated, others: others, all: all, timeout: spec.nodeTimeoutMilliseconds))
        context.terminal.print("`rcluster local heal` ends it: a master that lost its slots meanwhile rejoins as a replica.")
    }
}

struct LocalHealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "heal", abstract: "End every partition and delay on the local nodes.")
    @OptionGroup var local: LocalOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let context = try local.context(connection)
        let running = LocalNodeLauncher(spec: local.spec, server: local.engine.server).runningPorts()
        guard !running.isEmpty else { throw context.fail("no local node is running in \(local.spec.directory.path)") }
        for port in running { try await LocalNetworkFaults.inject(["HEAL"], port: port, context: context) }
        context.terminal.print("healed \(running.count) nodes: no partition, no delay. Links come back within a second; a master whose replica took over rejoins as its replica.")
    }
}

struct LocalSlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slow", abstract: "Delay every reply of a node by MS milliseconds (0: no delay).")
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions

    @Argument(help: "The delay in milliseconds, 0 to 60000.")
    var milliseconds: Int

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let context = try local.context(connection)
        let port = try LocalNetworkFaults.ports([target.node], spec: local.spec, context: context)[0]
        guard (0...60_000).contains(milliseconds) else { throw context.fail("the delay must be 0 to 60000 milliseconds, not \(milliseconds)") }
        try await LocalNetworkFaults.inject(["SLOW", String(milliseconds)], port: port, context: context)
        if milliseconds == 0 {
            context.terminal.print("node \(port) replies at once again.")
        } else {
            context.terminal.print("node \(port) delays every reply by \(milliseconds) ms: a client whose timeout is shorter sees timeouts; the cluster bus is not delayed, so no failover follows. `rcluster local slow \(port) 0` or `local heal` ends it.")
        }
    }
}
