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
        typealias Fetched = (bytes: Int, verification: RDBVerification)
        let results: [String: Result<Fetched, ClusterAdminError>] = await withTaskGroup(of: (String, Result<Fetched, ClusterAdminError>).self) { group in
            for master in masters {
                let file = fileOf[master.id]!
                let owned = Set(master.slots)
                group.addTask {
                    (file, await Result(catching: { () async throws(ClusterAdminError) in
                        try await fetcher.fetch(master.address, to: folder + "/" + file, ownedSlots: owned)
                    }))
                }
            }
            var collected: [String: Result<Fetched, ClusterAdminError>] = [:]
            for await (file, result) in group { collected[file] = result }
            return collected
        }
        var failed = false
        var files: [String: BackupManifest.File] = [:]
        for master in masters {
            let file = fileOf[master.id]!
            switch results[file] {
            case .success(let fetched)?:
                let verification = fetched.verification
                files[master.id] = BackupManifest.File(name: file, bytes: fetched.bytes, verification: verification)
                let keys = verification.keys.map { "\($0) keys" } ?? "keys not counted"
                terminal.print("[OK] \(master.address) (\(master.slots.count) slots): \(file), \(fetched.bytes) bytes, checksum good, \(keys)")
                if let note = verification.note { terminal.print("     \(note)") }
                if verification.keysOutsideOwnedSlots > 0 {
                    terminal.warn("[WARNING] \(master.address): \(verification.keysOutsideOwnedSlots) keys of its RDB are in slots it did not own (a slot migration was under way?)")
                }
                if verification.keysOutsideDatabaseZero > 0 {
                    terminal.warn("[WARNING] \(master.address): \(verification.keysOutsideDatabaseZero) keys of its RDB are outside DB 0, which a cluster node does not serve")
                }
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
        if failed {
            throw context.fail("some masters could not be saved or their RDB did not verify (above); the backup in \(directory) is incomplete: run it again")
        }
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
        /// What the RDB was checked to hold: its keys, and per slot (slot number -> keys).
        let keys: Int?
        let keysBySlot: [String: Int]?
        let verified: String?
    }

    struct File {
        let name: String
        let bytes: Int
        let verification: RDBVerification
    }

    let schema = "rcluster.backup/1"
    let createdAt: String
    let nodes: [Node]

    init(_ snapshot: ClusterSnapshot, files: [String: File]) {
        createdAt = ISO8601DateFormatter().string(from: Date())
        nodes = snapshot.nodes.map { node in
            let file = files[node.id]
            let counts = file?.verification.keysBySlot
            return Node(id: node.id, address: "\(node.address)", role: node.isMaster ? "master" : "replica", masterID: node.masterID,
                        slots: node.slotRanges.map(\.description), rdb: file?.name, rdbBytes: file?.bytes,
                        keys: file?.verification.keys,
                        keysBySlot: counts.map { Dictionary(uniqueKeysWithValues: $0.map { (String($0.key), $0.value) }) },
                        verified: file.map { $0.verification.note ?? "checksum and keys" })
        }
    }
}
