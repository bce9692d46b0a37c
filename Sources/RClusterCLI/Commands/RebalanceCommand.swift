import ArgumentParser
import ClusterAdmin
import ClusterModel
import Planner

struct RebalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Even out slots across masters by weight (the reference's computation), moving keys along.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Option(name: [.customLong("weight"), .customLong("cluster-weight")], parsing: .singleValue,
            help: ArgumentHelp("A master's weight, as ID-prefix=weight (the prefix must name one master).", valueName: "ID=W"))
    var weights: [String] = []

    @Flag(name: [.customLong("use-empty-masters"), .customLong("cluster-use-empty-masters")],
          help: "Give slots to masters that have none.")
    var useEmptyMasters = false

    @Option(name: [.customLong("threshold"), .customLong("cluster-threshold")],
            help: "Only rebalance when a master is off its share by more than this percentage (0 disables).")
    var threshold = 2.0

    @Flag(name: [.customLong("simulate"), .customLong("cluster-simulate")], help: "Print the moves, move nothing.")
    var simulate = false

    @OptionGroup var migration: MigrationOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        _ = try parsedWeights()
        guard threshold >= 0 else { throw ValidationError("--threshold must be 0 or more") }
    }

    private func parsedWeights() throws -> [String: Double] {
        var result: [String: Double] = [:]
        for item in weights {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let weight = Double(parts[1]), weight >= 0 else {
                throw ValidationError("--weight '\(item)' must look like 3f2a=2.0 (a master ID prefix, =, a weight of 0 or more)")
            }
            result[parts[0]] = weight
        }
        return result
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let entry = try NodeAddressArgument.parse(node)
        let snapshot = try await context.loadSnapshot(from: entry)
        let rebalancer = Rebalancer(options: context.options, settings: migration.settings(auth: context.options.auth))
        let request = Rebalancer.Request(weights: try parsedWeights(), useEmptyMasters: useEmptyMasters, thresholdPercent: threshold)
        let outcome: RebalancePlanner.Outcome
        do {
            outcome = try rebalancer.plan(request, on: snapshot)
        } catch {
            throw context.fail(error.description)
        }
        let address: @Sendable (String) -> String = { id in snapshot.node(id: id).map { "\($0.address)" } ?? id }
        let json = output.json
        let say: (String) -> Void = { if !json { context.terminal.print($0) } }
        guard case .moves(let moves) = outcome else {
            if json { print(JSONOutput.render(RebalanceJSON(moves: [], address: address, simulated: simulate))) }
            say("*** No rebalancing needed! All nodes are within the \(String(format: "%.2f", threshold))% threshold.")
            return
        }
        say(">>> Rebalancing across \(snapshot.masters.count) masters: \(moves.count) move(s), \(moves.reduce(0) { $0 + $1.count }) slots")
        if simulate {
            moves.forEach { say("Moving \($0.count) slots from \(address($0.sourceID)) to \(address($0.targetID))") }
            if json { print(JSONOutput.render(RebalanceJSON(moves: moves, address: address, simulated: true))) }
            return
        }
        let interruption = Interruption(
            second: "Stopped at once: slots moving with MIGRATE stay open (MIGRATING/IMPORTING; a Valkey atomic job ends on its own). rcluster fix \(node) closes them; rcluster rebalance \(node) then moves the rest.")
        defer { interruption.remove() }
        let total = moves.reduce(0) { $0 + $1.count }
        let progress = MigrationProgress(totalSlots: total, terminal: context.terminal, quiet: json)
        do {
            let keys = try await rebalancer.execute(moves, entry: entry, loader: ClusterLoader(options: context.options),
                                                    stop: interruption.stop, starting: { move in
                progress.say("Moving \(move.count) slots from \(address(move.sourceID)) to \(address(move.targetID))")
            }, progress: { progress.record($0) })
            progress.finish()
            let seconds = progress.elapsedSeconds
            if json {
                print(JSONOutput.render(RebalanceJSON(moves: moves, address: address, simulated: false, keys: keys, seconds: seconds)))
            }
            say(String(format: "[OK] Rebalanced: %d slots and %d keys moved in %.2f s (%.0f keys/s).",
                       total, keys, seconds, Double(keys) / max(seconds, 0.001)))
            // Redis turns a master that gave away its last slot into a replica
            // (cluster-allow-replica-migration): say so, it surprises people.
            if let after = try? await context.loadSnapshot(from: entry) {
                for master in snapshot.masters where !master.slots.isEmpty {
                    guard let now = after.node(id: master.id), now.isReplica else { continue }
                    say("    \(master.address) gave away its last slot and is now a replica of \(now.masterID.map(address) ?? "another master"); rcluster del-node removes it.")
                }
            }
        } catch .interrupted {
            progress.finish()
            context.terminal.warn("[ERR] Interrupted with no slot left open; rcluster rebalance \(node) computes and moves the rest.")
            throw ExitCode(130)
        } catch {
            progress.finish()
            throw context.fail(error.description)
        }
    }
}
