import ArgumentParser
import ClusterAdmin
import ClusterModel
import Planner

struct ReshardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reshard",
        abstract: "Move exactly N slots (and their keys) from some masters to one master.",
        discussion: "Refuses to start on a cluster whose check fails. Keys move in batches of --pipeline per MIGRATE.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Option(name: [.customLong("from"), .customLong("cluster-from")], help: "Source master IDs (comma-separated, prefixes allowed) or 'all'.")
    var from: String?

    @Option(name: [.customLong("to"), .customLong("cluster-to")], help: "The receiving master's ID (or a unique prefix).")
    var to: String?

    @Option(name: [.customLong("slots"), .customLong("cluster-slots")], help: "How many slots to move.")
    var slots: Int?

    @Flag(help: "Print the plan and stop.")
    var dryRun = false

    @Flag(help: "Continue an interrupted reshard (recorded in a journal): repair its open slot, then move the rest.")
    var resume = false

    @OptionGroup var confirmation: ConfirmationOptions
    @OptionGroup var migration: MigrationOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        if let slots, !(1...HashSlot.count).contains(slots) { throw ValidationError("--slots must be between 1 and 16384") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let terminal = context.terminal
        let json = output.json
        let say: (String) -> Void = { if !json { terminal.print($0) } }
        let entry = try NodeAddressArgument.parse(node)
        var snapshot = try await context.loadSnapshot(from: entry)
        let resharder = Resharder(options: context.options, settings: migration.settings(auth: context.options.auth))
        let plan: Resharder.Plan
        let journal: ReshardJournal
        if resume {
            (plan, journal, snapshot) = try await resumedPlan(snapshot, entry: entry, resharder: resharder, context: context, say: say)
        } else {
            let count = try slots ?? askNumber(terminal, context: context)
            let target = try to ?? ask(terminal, "What is the receiving node ID? ", missing: "--to", context: context)
            let sourceText = try from ?? ask(terminal, "Source node IDs (comma-separated), or 'all': ", missing: "--from", context: context)
            let sources = sourceText.lowercased() == "all" ? nil
                : sourceText.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            do {
                plan = try resharder.plan(.init(sourceIDs: sources, targetID: target, slotCount: count), on: snapshot)
            } catch {
                throw context.fail(error.description)
            }
            if let pending = try? ReshardJournal.find(for: snapshot), pending.targetID == plan.target.id {
                throw context.fail("an interrupted reshard into \(plan.target.address) is recorded in \(ReshardJournal.path(targetID: pending.targetID)); finish it with --resume (or delete the file after rcluster fix)")
            }
            journal = ReshardJournal(targetID: plan.target.id, moves: plan.moves)
        }
        say("Ready to move \(plan.moves.count) slots.")
        say("  Source nodes:")
        for source in plan.sources { say("    M: \(source.id) \(source.address) (\(source.slots.count) slots)") }
        say("  Destination node:")
        say("    M: \(plan.target.id) \(plan.target.address) (\(plan.target.slots.count) slots)")
        say("  Resharding plan:")
        for (sourceID, moves) in Dictionary(grouping: plan.moves, by: \.sourceID).sorted(by: { $0.key < $1.key }) {
            let ranges = SlotSet(ranges: moves.map { SlotRange($0.slot) }).ranges.map(\.description).joined(separator: ",")
            say("    Moving \(moves.count) slots (\(ranges)) from \(sourceID)")
        }
        if dryRun {
            if json { print(JSONOutput.render(ReshardPlanJSON(plan))) }
            return
        }
        guard try confirmation.confirm("Do you want to proceed with the proposed reshard plan?", terminal: terminal, json: output.json) else {
            throw context.fail("Aborted: nothing was moved.")
        }
        do {
            try journal.save()
        } catch {
            throw context.fail(error.description)
        }
        let progress = MigrationProgress(totalSlots: plan.moves.count, terminal: terminal, quiet: output.json)
        let meter = await InputByteMeter.start(plan.target.address, options: context.options)
        let metering = Task {
            while !Task.isCancelled, let meter {
                if let bytes = await meter.bytesSinceStart(), bytes > 0 { progress.received(bytes: bytes) }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { metering.cancel() }
        let journalPath = ReshardJournal.path(targetID: journal.targetID)
        let interruption = Interruption(
            second: "Stopped at once: slots moving with MIGRATE stay open (MIGRATING/IMPORTING; a Valkey atomic job ends on its own). rcluster reshard \(node) --resume finishes the move (plan in \(journalPath)); rcluster fix closes them.")
        defer { interruption.remove() }
        do {
            let result = try await resharder.execute(plan, on: snapshot, stop: interruption.stop) { progress.record($0) }
            metering.cancel()
            if let bytes = await meter?.bytesSinceStart() { progress.received(bytes: bytes) }
            await meter?.close()
            progress.finish()
            journal.remove()
            let seconds = progress.elapsedSeconds
            let byteRate = progress.bytesPerSecond
            if output.json {
                print(JSONOutput.render(ReshardJSON(
                    target: "\(plan.target.address)", sources: plan.sources.map { "\($0.address)" }, slots: result.slots, keys: result.keys,
                    seconds: (seconds * 1000).rounded() / 1000, keysPerSecond: (Double(result.keys) / max(seconds, 0.001)).rounded(),
                    bytesPerSecond: byteRate?.rounded(), resumed: resume)))
            } else {
                let bytes = byteRate.map { ", " + MigrationProgress.byteRate($0) + " into the target" } ?? ""
                terminal.print(String(format: "[OK] Moved %d slots and %d keys in %.2f s (%.0f keys/s%@).",
                                      result.slots, result.keys, seconds, Double(result.keys) / max(seconds, 0.001), bytes))
            }
        } catch .interrupted {
            await meter?.close()
            progress.finish()
            let moved = progress.movedSlots
            terminal.warn("[ERR] Interrupted: \(moved) of \(plan.moves.count) slots moved, none left open. rcluster reshard \(node) --resume moves the other \(plan.moves.count - moved) (plan in \(journalPath)).")
            throw ExitCode(130)
        } catch {
            await meter?.close()
            progress.finish()
            throw context.fail("\(error.description)\nThe reshard is recorded in \(journalPath): rcluster reshard \(node) --resume continues it.")
        }
    }

    /// Repairs what the interrupted run left open (as fix does), then plans the slots still to move.
    private func resumedPlan(_ snapshot: ClusterSnapshot, entry: NodeAddress, resharder: Resharder,
                             context: ClusterCommandContext, say: (String) -> Void) async throws -> (Resharder.Plan, ReshardJournal, ClusterSnapshot) {
        let journal: ReshardJournal
        do {
            guard let found = try ReshardJournal.find(for: snapshot) else {
                throw context.fail("no interrupted reshard of this cluster is recorded in \(ReshardJournal.directory); nothing to resume")
            }
            journal = found
        } catch let error as ClusterAdminError {
            throw context.fail(error.description)
        }
        say(">>> Resuming the reshard of \(journal.moves.count) slots into \(journal.targetID) started \(journal.createdAt)")
        let fixer = ClusterFixer(options: context.options, settings: migration.settings(auth: context.options.auth))
        var current = snapshot
        do {
            let repairs = try await fixer.assess(snapshot).applicable
            if !repairs.isEmpty {
                say(">>> Repairing \(repairs.repairs.count) slot(s) the interrupted run left open")
                try await fixer.apply(repairs, on: snapshot) { _, _ in }
                current = try await context.loadSnapshot(from: entry)
            }
            return (try resharder.plan(resuming: journal, on: current), journal, current)
        } catch let error as ClusterAdminError {
            throw context.fail(error.description)
        }
    }

    private func ask(_ terminal: Terminal, _ question: String, missing option: String, context: ClusterCommandContext) throws -> String {
        guard terminal.isInteractive, let answer = terminal.ask(question), !answer.isEmpty else {
            throw context.fail("give \(option) (no terminal to ask on)")
        }
        return answer
    }

    private func askNumber(_ terminal: Terminal, context: ClusterCommandContext) throws -> Int {
        let text = try ask(terminal, "How many slots do you want to move (from 1 to 16384)? ", missing: "--slots", context: context)
        guard let number = Int(text), (1...HashSlot.count).contains(number) else { throw context.fail("'\(text)' is not a number of slots from 1 to 16384") }
        return number
    }
}
