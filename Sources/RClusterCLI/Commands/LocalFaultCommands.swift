import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import LocalCluster
import RedisClient

/// Faults on demand for an application's tests: a node stopped, resumed,
/// killed, restarted, or failed over; each says what the cluster should do next.
struct LocalNodeOptions: ParsableArguments {
    @Argument(help: "The node: its port (7000) or 127.0.0.1:7000.")
    var node: String

    var port: Int? { Int(node.split(separator: ":").last ?? "") }
}

enum LocalFault: String {
    case stop, start, kill, restart, failover
}

/// What one node is in the cluster, as the other running nodes see it.
struct LocalNodeRole {
    let isMaster: Bool
    /// Its replicas' ports (a master), or its master's port (a replica).
    let peers: [Int]

    static func of(port: Int, among ports: [Int], context: ClusterCommandContext) async -> LocalNodeRole? {
        for other in [port] + ports.filter({ $0 != port }) {
            guard let snapshot = try? await ClusterLoader(options: context.options).load(from: NodeAddress(host: "127.0.0.1", port: other)),
                  let node = snapshot.nodes.first(where: { $0.address.port == port }) else { continue }
            if node.isMaster {
                return LocalNodeRole(isMaster: true, peers: snapshot.nodes.filter { $0.masterID == node.id }.map(\.address.port).sorted())
            }
            return LocalNodeRole(isMaster: false, peers: snapshot.nodes.filter { $0.id == node.masterID }.map(\.address.port))
        }
        return nil
    }
}

enum LocalFaults {
    static func run(_ fault: LocalFault, local: LocalOptions, target: LocalNodeOptions, connection: ConnectionOptions) async throws {
        let context = try local.context(connection)
        let spec = local.spec
        if let refusal = spec.notANode(target.port, named: target.node) { throw context.fail(refusal) }
        let port = target.port!
        let launcher = LocalNodeLauncher(spec: spec, server: local.engine.server)
        let role = await LocalNodeRole.of(port: port, among: launcher.runningPorts(), context: context)
        let timeout = spec.nodeTimeoutMilliseconds
        let name = role.map { $0.isMaster ? "master \(port)" : "replica \(port)" } ?? "node \(port)"
        let next: String
        if let role, role.isMaster, let replica = role.peers.first {
            next = "its replica \(replica) should take over in about 2 x node-timeout (\(2 * timeout / 1000) s)"
        } else if let role, role.isMaster {
            next = "it has no replica: its slots are unserved (cluster_state:fail) until it is back"
        } else if let role, let master = role.peers.first {
            next = "its master \(master) keeps serving; it resyncs when it is back"
        } else {
            next = "the cluster view could not be read"
        }
        switch fault {
        case .stop, .kill:
            guard let pid = launcher.runningPID(port: port) else { throw context.fail("node \(port) is not running; `rcluster local start \(port)` starts it") }
            Foundation.kill(pid, fault == .stop ? SIGSTOP : SIGKILL)
            let how = fault == .stop ? "stopped (SIGSTOP: it keeps its sockets and answers nothing)" : "killed (SIGKILL)"
            context.terminal.print("\(name) \(how): \(next); `rcluster local start \(port)` brings it back\(role?.isMaster == true ? ", as a replica if one took over" : "").")
        case .start:
            if let pid = launcher.runningPID(port: port) {
                Foundation.kill(pid, SIGCONT)
                context.terminal.print("\(name) resumed (SIGCONT); if its replica took over meanwhile it rejoins as a replica.")
            } else {
                do { _ = try launcher.start(ports: [port]) } catch { throw context.fail("\(error)") }
                context.terminal.print("\(name) started again from its folder; it rejoins with its nodes.conf and resyncs.")
            }
        case .restart:
            _ = launcher.stop(ports: [port])
            do { _ = try launcher.start(ports: [port]) } catch { throw context.fail("\(error)") }
            context.terminal.print("\(name) restarted (SIGTERM, then started from its folder): \(role?.isMaster == true ? "if it was down for less than node-timeout it stays the master" : "it resyncs from its master").")
        case .failover:
            guard let role else { throw context.fail("the role of node \(port) could not be read from the running nodes") }
            guard let replica = role.isMaster ? role.peers.first : port else { throw context.fail("master \(port) has no replica to fail over to") }
            let connection = try await RedisConnection.connect(to: NodeAddress(host: "127.0.0.1", port: replica), options: context.options)
            defer { Task { await connection.close() } }
            do {
                try await connection.send(["CLUSTER", "FAILOVER"])
            } catch {
                throw context.fail("replica \(replica): \(error)")
            }
            let master = role.isMaster ? port : (role.peers.first ?? 0)
            context.terminal.print("CLUSTER FAILOVER on replica \(replica): master \(master) pauses its writers until \(replica) has its whole stream, then \(replica) is the master and \(master) its replica (within a few seconds).")
        }
    }
}

/// One fault subcommand: its name is the fault; the options are every one's.
protocol LocalFaultSubcommand: AsyncParsableCommand {
    static var fault: LocalFault { get }
    var local: LocalOptions { get }
    var target: LocalNodeOptions { get }
    var connection: ConnectionOptions { get }
}

extension LocalFaultSubcommand {
    func run() async throws { try await LocalFaults.run(Self.fault, local: local, target: target, connection: connection) }
}

struct LocalStopCommand: LocalFaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Freeze a node (SIGSTOP): it keeps its sockets and answers nothing, like a hung host.")
    static let fault = LocalFault.stop
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions
    @OptionGroup var connection: ConnectionOptions
}

struct LocalStartCommand: LocalFaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Resume a stopped node (SIGCONT), or start one that is gone.")
    static let fault = LocalFault.start
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions
    @OptionGroup var connection: ConnectionOptions
}

struct LocalKillCommand: LocalFaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Kill a node (SIGKILL), as if its host died.")
    static let fault = LocalFault.kill
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions
    @OptionGroup var connection: ConnectionOptions
}

struct LocalRestartCommand: LocalFaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop a node (SIGTERM) and start it again from its folder.")
    static let fault = LocalFault.restart
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions
    @OptionGroup var connection: ConnectionOptions
}

struct LocalFailoverCommand: LocalFaultSubcommand {
    static let configuration = CommandConfiguration(commandName: "failover", abstract: "CLUSTER FAILOVER: a replica (or a master's first replica) takes over without losing a write.")
    static let fault = LocalFault.failover
    @OptionGroup var local: LocalOptions
    @OptionGroup var target: LocalNodeOptions
    @OptionGroup var connection: ConnectionOptions
}
