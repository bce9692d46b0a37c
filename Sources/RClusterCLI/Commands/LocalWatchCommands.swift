import ArgumentParser
import ClusterModel
import Foundation
import LocalCluster
import RedisClient

/// `local logs [NODE] [-f]`: the nodes' logs, each line with its port.
struct LocalLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print the nodes' logs (one node's, or all, each line after its port); -f follows them.")
    @OptionGroup var local: LocalOptions

    @Argument(help: "One node's port (default: every node).")
    var node: Int?

    @Flag(name: .shortAndLong, help: "Keep printing what the nodes log, until Ctrl-C.")
    var follow = false

    func run() async throws {
        let spec = local.spec
        let ports = node.map { [$0] } ?? spec.ports
        if let node, let refusal = spec.notANode(node, named: "\(node)") { throw ValidationError(refusal) }
        var offsets: [Int: UInt64] = [:]
        repeat {
            for port in ports {
                let path = spec.nodeDirectory(port: port).appendingPathComponent("redis.log").path
                guard let handle = FileHandle(forReadingAtPath: path) else { continue }
                defer { try? handle.close() }
                try? handle.seek(toOffset: offsets[port] ?? 0)
                let data = handle.readDataToEndOfFile()
                guard let end = data.lastIndex(of: UInt8(ascii: "\n")) else { continue }
                offsets[port] = (offsets[port] ?? 0) + UInt64(end + 1)
                for line in String(decoding: data[...end], as: UTF8.self).split(separator: "\n") {
                    print(ports.count > 1 ? "\(port) | \(line)" : String(line))
                }
            }
            if follow { try await Task.sleep(for: .milliseconds(200)) }
        } while follow
    }
}

/// `local call [--node PORT] CMD...`: a command on every local node (rcluster call), or on one.
struct LocalCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "call", abstract: "Run a command on every local node, or on one (--node).")
    @OptionGroup var local: LocalOptions

    @Option(help: "Only this node (its port).")
    var node: Int?

    @Argument(parsing: .allUnrecognized, help: "The command and its arguments.")
    var command: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let spec = local.spec
        let running = LocalNodeLauncher(spec: spec, server: local.engine.server).runningPorts()
        guard let entry = node ?? running.first else {
            throw ValidationError("no local node is running in \(spec.directory.path); start them with rcluster local up")
        }
        guard !command.isEmpty else { throw ValidationError("name the command to run, e.g. rcluster local call DBSIZE") }
        guard let node else {
            var call = try CallCommand.parseAsRoot(["127.0.0.1:\(entry)", "--"] + command) as! CallCommand
            call.connection = connection
            // As local.context does: the nodes' own password when none is given.
            if connection.password == nil, !connection.askpass, ProcessInfo.processInfo.environment["REDISCLI_AUTH"] == nil,
               let stored = LocalClusterSpec.storedPassword(in: spec.directory) {
                call.connection.password = stored
                call.connection.noAuthWarning = true
            }
            return try await call.run()
        }
        if let refusal = spec.notANode(node, named: "\(node)") { throw ValidationError(refusal) }
        let context = try local.context(connection)
        let address = NodeAddress(host: "127.0.0.1", port: node)
        let connection = try await RedisConnection.connect(to: address, options: context.options)
        defer { Task { await connection.close() } }
        do {
            context.terminal.print("\(address): \(ReplyText.raw(try await connection.send(command)))")
        } catch {
            context.terminal.print("\(address): Failed! \(error.serverError?.message ?? error.description)")
            throw ExitCode.failure
        }
    }
}
