import ClusterModel
import Foundation
import RedisClient
import Testing
import TestSupport

/// Valkey 9 moves slots itself (CLUSTER MIGRATESLOTS): rcluster uses it where
/// both masters have it, and falls back to MIGRATE when a job moves nothing.
@Suite struct AtomicSlotMigrationTests {
    /// The jobs a node lists in CLUSTER GETSLOTMIGRATIONS.
    private func jobs(on node: RedisServerProcess) async throws -> [SlotMigrationJob] {
        let connection = try await RedisConnection.connect(to: node.address, options: .init())
        defer { Task { await connection.close() } }
        return try await connection.send(["CLUSTER", "GETSLOTMIGRATIONS"]).elements?.compactMap { entry in
            let items = (entry.elements ?? []).map { $0.string ?? "" }
            return SlotMigrationJob(fields: Dictionary(uniqueKeysWithValues: stride(from: 0, to: items.count - 1, by: 2).map { (items[$0], items[$0 + 1]) }))
        } ?? []
    }

    private func slots(of jobs: [SlotMigrationJob]) -> SlotSet {
        SlotSet(ranges: jobs.flatMap { $0.slotRanges.split(separator: " ").compactMap { SlotRange(parsing: $0) } })
    }

    @Test func reshardOnValkeyMovesEverySlotInAtomicJobsAndLegacyMigrationOptsOut() async throws {
        try await RedisTestCluster.withNodes(3, server: .valkey91) { cluster in
            let entry = "\(cluster.addresses[0])"
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 6000)
            let target = cluster.nodes[2]
            let targetID = try await cluster.nodeID(target)
            let before = SlotSet(ranges: try await cluster.masters().first { $0.id == targetID }!.slots)

            let result = try await RClusterBinary.run(["reshard", entry, "--from", "all", "--to", targetID, "--slots", "2500", "--yes"])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Moved 2500 slots and "), "\(result.stdout)")
            #expect(!result.stderr.contains("WARNING"), "\(result.stderr)")
            let gained = SlotSet(ranges: try await cluster.masters().first { $0.id == targetID }!.slots).subtracting(before)
            #expect(gained.count == 2500)
            // Every slot it gained came in a job the target imported, and each succeeded.
            let imports = try await jobs(on: target).filter { $0.operation == "IMPORT" }
            #expect(!imports.isEmpty && imports.allSatisfy { $0.outcome == .succeeded }, "\(imports)")
            #expect(slots(of: imports) == gained)
            #expect(try await cluster.countKeys() == 6000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)

            // --legacy-migration: GETKEYSINSLOT + MIGRATE, so no new job anywhere.
            let sourceID = try await cluster.nodeID(cluster.nodes[0])
            let back = try await RClusterBinary.run(["reshard", entry, "--from", targetID, "--to", sourceID, "--slots", "300",
                                                     "--yes", "--legacy-migration"])
            #expect(back.exitCode == 0, "\(back.stdout)\(back.stderr)")
            #expect(try await jobs(on: target).count == imports.count)
            #expect(try await cluster.countKeys() == 6000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }

    /// Masters with requirepass but no masterauth cannot open Valkey's
    /// migration link to each other: the job fails having moved nothing, and
    /// rcluster says why and moves the slots with MIGRATE (which carries AUTH).
    @Test func aJobThatFailsFallsBackToMigrateAndSaysWhy() async throws {
        try await RedisTestCluster.withNodes(3, server: .valkey91) { cluster in
            let entry = "\(cluster.addresses[0])"
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 3000)
            let password = "atomic-pw"
            for node in cluster.nodes { try await cluster.command(node, ["CONFIG", "SET", "requirepass", password]) }
            let auth = RedisAuth(password: password)
            let targetID = try await cluster.command(cluster.nodes[1], ["CLUSTER", "MYID"], auth: auth)

            let result = try await RClusterBinary.run(["reshard", entry, "--from", "all", "--to", targetID, "--slots", "1000", "--yes"],
                                                      environment: ["REDISCLI_AUTH": password])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("[OK] Moved 1000 slots and "), "\(result.stdout)")
            #expect(result.stderr.contains("[WARNING] Atomic slot migration from "), "\(result.stderr)")
            #expect(result.stderr.contains("NOAUTH") && result.stderr.contains("masterauth"), "\(result.stderr)")
            #expect(result.stderr.contains("its slots move with MIGRATE instead"), "\(result.stderr)")

            for node in cluster.nodes { try await cluster.command(node, ["CONFIG", "SET", "requirepass", ""], auth: auth) }
            #expect(try await cluster.countKeys() == 3000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }

    /// SIGKILL in the middle of an atomic reshard: the job running then ends
    /// on its own, no slot is left open, no key is lost, and --resume moves
    /// the rest.
    @Test func aKilledAtomicReshardLeavesNothingOpenAndResumes() async throws {
        try await RedisTestCluster.withNodes(3, server: .valkey91) { cluster in
            let entry = "\(cluster.addresses[0])"
            let state = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-state-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: state) }
            let environment = ["RCLUSTER_STATE_DIR": state]
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 30000)
            let masters = try await cluster.masters()
            let reshard = try RClusterBinary.start(["reshard", entry, "--from", masters[0].id, "--to", masters[1].id,
                                                    "--slots", "5000", "--yes"], environment: environment)
            // Frozen as soon as the first job shows on the target, so the
            // kill surely lands with jobs left to start.
            for _ in 0..<3000 where reshard.isRunning {
                if try await !jobs(on: masters[1].node).isEmpty { break }
                try await Task.sleep(for: .milliseconds(2))
            }
            kill(reshard.processIdentifier, SIGSTOP)
            try #require(reshard.isRunning, "the reshard finished before it could be stopped")
            kill(reshard.processIdentifier, SIGKILL)
            reshard.waitUntilExit()
            for _ in 0..<500 where try await jobs(on: masters[0].node).contains(where: { $0.outcome == nil }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let moved = try await cluster.masters().first { $0.id == masters[1].id }!.slots.reduce(0) { $0 + $1.count }
                - masters[1].slots.reduce(0) { $0 + $1.count }
            #expect(moved < 5000)
            let check = try await RClusterBinary.reference(["check", entry])
            #expect(check.exitCode == 0 && !check.stdout.contains("[WARNING]"), "\(check.stdout)")
            #expect(try await cluster.countKeys() == 30000)

            let resumed = try await RClusterBinary.run(["reshard", entry, "--resume", "--yes"], environment: environment)
            #expect(resumed.exitCode == 0, "\(resumed.stdout)\(resumed.stderr)")
            let after = try await cluster.masters().first { $0.id == masters[1].id }!.slots.reduce(0) { $0 + $1.count }
            #expect(after == masters[1].slots.reduce(0) { $0 + $1.count } + 5000)
            #expect(try await cluster.countKeys() == 30000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
        }
    }
}
