import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation
import RedisClient

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Move (or copy) every key of a standalone Redis's DB 0 into the cluster.",
        discussion: """
            Keys go in batches: each SCAN page's keys are grouped by the master owning their slot and moved \
            with one MIGRATE ... KEYS per master (the reference sends one MIGRATE per key). Refuses to start \
            on a cluster whose check fails. A key that already exists in the cluster stops the import unless \
            --replace; keys imported before stay imported, so running again continues.
            """)

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Option(name: [.customLong("from"), .customLong("cluster-from")], help: "The standalone Redis to import from, as host:port.")
    var from: String

    @Option(name: [.customLong("from-user"), .customLong("cluster-from-user")], help: "ACL user on the source.")
    var fromUser: String?

    @Option(name: [.customLong("from-pass"), .customLong("cluster-from-pass")], help: "Password of the source (prefer --from-askpass).")
    var fromPass: String?

    @Flag(name: [.customLong("from-askpass"), .customLong("cluster-from-askpass")], help: "Prompt for the source's password.")
    var fromAskpass = false

    @Flag(name: [.customLong("copy"), .customLong("cluster-copy")], help: "Copy the keys; the source keeps them.")
    var copy = false

    @Flag(name: [.customLong("replace"), .customLong("cluster-replace")], help: "Overwrite keys that already exist in the cluster.")
    var replace = false

    @Option(name: [.customLong("timeout"), .customLong("cluster-timeout")], help: "MIGRATE timeout in milliseconds.")
    var timeout = 60_000

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        _ = try NodeAddressArgument.parse(from)
        guard timeout > 0 else { throw ValidationError("--timeout must be positive milliseconds") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let terminal = context.terminal
        let source = try NodeAddressArgument.parse(from)
        let entry = try NodeAddressArgument.parse(node)
        terminal.print(">>> Importing data from \(source) to cluster \(entry)")
        let snapshot = try await context.loadSnapshot(from: entry)
        let report = ClusterCheck.run(snapshot)
        guard report.isHealthy else {
            CheckText.lines(report).forEach(terminal.print)
            throw context.fail("the cluster does not pass its check (above); run rcluster fix first")
        }
        var sourcePassword = fromPass
        if fromAskpass { sourcePassword = terminal.readSecret(prompt: "Source password: ") }
        let settings = Importer.Settings(
            source: source, sourceAuth: sourcePassword.map { RedisAuth(username: fromUser, password: $0) },
            clusterAuth: context.options.auth, copy: copy, replace: replace, migrateTimeoutMilliseconds: timeout)
        let started = ContinuousClock.now
        let imported: Int
        do {
            imported = try await Importer(settings: settings).run(into: snapshot) { event in
                switch event {
                case .started(let keys, let others):
                    terminal.print("*** Importing \(keys) keys from DB 0")
                    if !others.isEmpty { terminal.print("[WARNING] \(others.joined(separator: ", ")) hold keys too: a cluster has DB 0 only, they are not imported") }
                case .progress(let count):
                    if terminal.isInteractive { terminal.print("... \(count) keys") }
                }
            }
        } catch {
            throw context.fail(error.description)
        }
        let seconds = (ContinuousClock.now - started).milliseconds
        terminal.print("[OK] \(copy ? "Copied" : "Moved") \(imported) keys into the cluster in \(seconds) ms.")
    }
}
