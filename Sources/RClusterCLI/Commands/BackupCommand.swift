import ArgumentParser
import ClusterAdmin
import ClusterModel
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Save one RDB per master and the cluster layout (nodes.json) into a directory.",
        discussion: """
            Each master sends its RDB as it would to a new replica (REPLCONF rdb-only, SYNC), all masters \
            at once. nodes.json records every node's ID, address, role and slots, so each RDB can be loaded \
            into a node that is given the same slots (Docs/backup.md).
            """)

    @Argument(help: "Any node of the cluster, as host:port.")
    var node: String

    @Argument(help: "The directory to write into (created if missing).")
    var directory: String

    @Option(help: "Seconds to wait for a master to start sending its RDB (it saves first).")
    var timeout = 120

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try NodeAddressArgument.parse(node)
        guard timeout > 0 else { throw ValidationError("--timeout must be positive seconds") }
    }

    func run() async throws {
        let context = try ClusterCommandContext(connection: connection)
        let terminal = context.terminal
        let snapshot = try await context.loadSnapshot(from: try NodeAddressArgument.parse(node))
        let report = ClusterCheck.run(snapshot)
        if !report.isHealthy { terminal.print("[WARNING] the cluster does not pass its check (rcluster check); backing up what the masters hold") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw context.fail("cannot create \(directory): \(error.localizedDescription)")
        }
        let masters = snapshot.masters.filter { !$0.slots.isEmpty }
        let fileOf = Dictionary(uniqueKeysWithValues: masters.map { ($0.id, "redis-node-\($0.address.host)-\($0.address.port)-\($0.id).rdb") })
        terminal.print(">>> Saving the RDB of \(masters.count) masters into \(directory)")
        let fetcher = RDBFetcher(auth: context.options.auth, timeoutSeconds: timeout)
        let folder = directory
        let results = await withTaskGroup(of: (String, Result<Int, ClusterAdminError>).self) { group in
            for master in masters {
                let file = fileOf[master.id]!
                group.addTask {
                    (file, await Result(catching: { () async throws(ClusterAdminError) in
                        try await fetcher.fetch(master.address, to: folder + "/" + file)
                    }))
                }
            }
            var collected: [String: Result<Int, ClusterAdminError>] = [:]
            for await (file, result) in group { collected[file] = result }
            return collected
        }
        var failed = false
        var files: [String: (file: String, bytes: Int)] = [:]
        for master in masters {
            let file = fileOf[master.id]!
            switch results[file] {
            case .success(let bytes)?:
                files[master.id] = (file, bytes)
                terminal.print("[OK] \(master.address) (\(master.slots.count) slots): \(file), \(bytes) bytes")
            case .failure(let error)?:
                failed = true
                terminal.warn("[ERR] \(error)")
            case nil:
                failed = true
            }
        }
        let manifest = BackupManifest(snapshot, files: files)
        do {
            let path = directory + "/nodes.json"
            try Data(JSONOutput.render(manifest).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw context.fail("cannot write nodes.json: \(error.localizedDescription)")
        }
        if failed { throw context.fail("some masters could not be saved (above); the backup in \(directory) is incomplete") }
        terminal.print("[OK] Backup of \(masters.count) masters in \(directory) (nodes.json describes the layout).")
    }
}

/// nodes.json of a backup (`rcluster.backup/1`).
struct BackupManifest: Encodable {
    struct Node: Encodable {
        let id: String
        let address: String
        let role: String
        let masterID: String?
        let slots: [String]
        let rdb: String?
        let rdbBytes: Int?
    }

    let schema = "rcluster.backup/1"
    let createdAt: String
    let nodes: [Node]

    init(_ snapshot: ClusterSnapshot, files: [String: (file: String, bytes: Int)]) {
        createdAt = ISO8601DateFormatter().string(from: Date())
        nodes = snapshot.nodes.map { node in
            Node(id: node.id, address: "\(node.address)", role: node.isMaster ? "master" : "replica", masterID: node.masterID,
                 slots: node.slotRanges.map(\.description), rdb: files[node.id]?.file, rdbBytes: files[node.id]?.bytes)
        }
    }
}
