import ArgumentParser
import ClusterAdmin
import ClusterModel

struct FixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Repair slots: finish interrupted moves, close stray states, assign orphan slots, settle slots claimed twice.",
        discussion: "Each repair is explained before anything changes and needs --yes or a typed yes.")

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Flag(name: [.customLong("fix-with-unreachable-masters"), .customLong("cluster-fix-with-unreachable-masters")],
          help: "Repair even though a master does not answer: its slots go to the other masters, and its keys in them are lost.")
    var withUnreachableMasters = false

    @Flag(name: [.customLong("search-multiple-owners"), .customLong("cluster-search-multiple-owners")],
          help: "Accepted for redis-cli compatibility: rcluster always looks on every master for slots claimed twice and keys outside their owner.")
    var searchMultipleOwners = false

    @OptionGroup var confirmation: ConfirmationOptions
    @OptionGroup var migration: MigrationOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws { _ = try NodeAddressArgument.parse(node) }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let terminal = context.terminal
        let entry = try NodeAddressArgument.parse(node)
        let snapshot = try await context.loadSnapshot(from: entry)
        let unreachable = snapshot.masters.filter { !$0.isReachable && !$0.slots.isEmpty }
        if !unreachable.isEmpty && !withUnreachableMasters {
            throw context.fail("master(s) \(unreachable.map { "\($0.address)" }.joined(separator: ", ")) do not answer; a repair now could hand their slots to others. Bring them back, or add --fix-with-unreachable-masters.")
        }
        let fixer = ClusterFixer(options: context.options, settings: migration.settings(auth: context.options.auth))
        let plan: ClusterFixer.Plan
        do {
            plan = try await fixer.assess(snapshot, takeOverUnreachable: withUnreachableMasters)
        } catch {
            throw context.fail(error.description)
        }
        guard !plan.isEmpty else {
            terminal.print("[OK] No open, uncovered or twice-claimed slot, and every node knows every master: nothing to fix.")
            return
        }
        let name: @Sendable (String) -> String = { id in snapshot.node(id: id).map { "\($0.address)" } ?? String(id.prefix(8)) }
        if !plan.introductions.isEmpty {
            terminal.print(">>> \(plan.introductions.count) node(s) do not know a master that serves slots:")
            for introduction in plan.introductions {
                terminal.print("   \(name(introduction.nodeID)) does not list \(name(introduction.masterID)): CLUSTER MEET it again")
            }
        }
        if !plan.repairs.isEmpty { terminal.print(">>> \(plan.repairs.count) slot(s) to repair:") }
        for line in Self.explanations(plan.repairs, name: name) { terminal.print("   " + line) }
        if withUnreachableMasters && !unreachable.isEmpty {
            terminal.print("    The keys of \(unreachable.map { "\($0.address)" }.joined(separator: ", ")) in the slots given to others are lost; if it comes back, Redis drops them, as the newer claims win.")
        }
        guard try confirmation.confirm("Apply these repairs?", terminal: terminal, json: false) else {
            throw context.fail("Aborted: nothing was changed.")
        }
        do {
            try await fixer.apply(plan, on: snapshot) { repair, keys in
                if case .assign(_, _, let holders) = repair, holders.isEmpty { return }  // said above, in ranges
                terminal.print("[OK] \(Self.explain(repair, name: name)) (\(keys) keys moved)")
            }
            terminal.print("[OK] \(plan.repairs.count) slot(s) repaired.")
        } catch {
            throw context.fail(error.description)
        }
        let report = ClusterCheck.run(try await context.loadSnapshot(from: entry))
        CheckText.lines(report).forEach(terminal.print)
        if !report.isHealthy { throw ExitCode.failure }
    }

    /// One line a repair, except keyless orphans: one line per master that
    /// takes some, with their ranges (thousands when a master is lost, or
    /// when nodes restored from RDBs hold keys in only some of their slots).
    static func explanations(_ repairs: [SlotRepair], name: (String) -> String) -> [String] {
        var orphans: [String: [Int]] = [:]
        var lines: [String] = []
        for repair in repairs {
            if case .assign(let slot, let owner, let holders) = repair, holders.isEmpty {
                orphans[owner, default: []].append(slot)
            } else {
                lines.append(explain(repair, name: name))
            }
        }
        for (owner, slots) in orphans.sorted(by: { $0.value[0] < $1.value[0] }) {
            let ranges = SlotSet(ranges: slots.map { SlotRange($0) }).ranges.map(\.description)
            let shown = ranges.prefix(8).joined(separator: ",") + (ranges.count > 8 ? ", and \(ranges.count - 8) more ranges" : "")
            lines.append("\(slots.count == 1 ? "slot" : "slots") \(shown): owned by no one reachable; give \(slots.count == 1 ? "it" : "them (\(slots.count))") to \(name(owner))")
        }
        return lines
    }

    static func explain(_ repair: SlotRepair, name: (String) -> String) -> String {
        switch repair {
        case .finishMigration(let slot, let source, let target):
            return "slot \(slot): finish the interrupted move from \(name(source)) to \(name(target))"
        case .close(let slot, let owner, let stableOn, let holders):
            var text = "slot \(slot): stays with \(name(owner))"
            if !stableOn.isEmpty { text += "; clear migrating/importing on \(stableOn.map(name).joined(separator: ", "))" }
            if !holders.isEmpty { text += "; move its keys from \(holders.map(name).joined(separator: ", ")) to the owner" }
            return text
        case .assign(let slot, let owner, let holders):
            var text = "slot \(slot): owned by no one; give it to \(name(owner))"
            if !holders.isEmpty { text += " and move its keys there from \(holders.map(name).joined(separator: ", "))" }
            return text
        case .reclaim(let slot, let owner, let releaseFrom, let stableOn, let holders):
            var text = "slot \(slot): claimed by \(([owner] + releaseFrom).map(name).joined(separator: " and ")); "
                + "\(name(owner)) keeps it (most keys), \(releaseFrom.map(name).joined(separator: ", ")) let go first"
            if !stableOn.isEmpty { text += "; clear migrating/importing on \(stableOn.map(name).joined(separator: ", "))" }
            if !holders.isEmpty { text += "; move its keys from \(holders.map(name).joined(separator: ", ")) to \(name(owner))" }
            return text
        case .unsupported(let slot, let reason):
            return "slot \(slot): left as it is: \(reason)"
        }
    }
}
