import ClusterModel
import Foundation
import Testing
import TestSupport

/// `rcluster fix` on real clusters left broken on purpose.
@Suite struct FixCommandTests {
    private func scratchStateDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-state-\(UUID().uuidString)").path
    }

    /// Creates a 3-master cluster with 30,000 keys, starts a reshard of
    /// `slots` slots from the first master to the second and kills it with
    /// SIGKILL while a slot is half-moved. Returns the masters as they were.
    /// MIGRATE's way on every server: Valkey's atomic jobs leave nothing
    /// half-moved (AtomicSlotMigrationTests), but redis-cli's way does there too.
    private func killedReshard(_ cluster: RedisTestCluster, slots: Int, stateDirectory: String) async throws
        -> [(node: RedisServerProcess, id: String, slots: [SlotRange])] {
        #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
        try await cluster.fill(keys: 30000)
        let masters = try await cluster.masters()
        let reshard = try RClusterBinary.start(["reshard", "\(cluster.addresses[0])", "--from", masters[0].id, "--to", masters[1].id,
                                                "--slots", "\(slots)", "--pipeline", "2", "--yes", "--legacy-migration"],
                                               environment: ["RCLUSTER_STATE_DIR": stateDirectory])
        let open = try await killWhileASlotIsOpen(reshard, source: masters[0].node, in: cluster)
        try #require(open, "the reshard finished before a slot was seen open; give it more work")
        return masters
    }

    /// Freezes the reshard (SIGSTOP) and looks: if a slot is half-moved on the
    /// source right then, SIGKILL, so the kill surely lands mid-move; if not,
    /// lets it run a little and looks again.
    private func killWhileASlotIsOpen(_ reshard: ChildProcess, source: RedisServerProcess, in cluster: RedisTestCluster) async throws -> Bool {
        for _ in 0..<2000 where reshard.isRunning {
            kill(reshard.processIdentifier, SIGSTOP)
            if try await cluster.command(source, ["CLUSTER", "NODES"]).contains("->-") {
                kill(reshard.processIdentifier, SIGKILL)
                reshard.waitUntilExit()
                return true
            }
            kill(reshard.processIdentifier, SIGCONT)
            try await Task.sleep(for: .milliseconds(3))
        }
        kill(reshard.processIdentifier, SIGKILL)
        reshard.waitUntilExit()
        return false
    }

    @Test(arguments: TestServer.matrixAndEngine) func reshardKilledWithSIGKILLIsFinishedByFixWithNoKeyLost(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(3, server: server) { cluster in
            // Its journal goes to a scratch folder (fix leaves it for a later --resume).
            let state = scratchStateDirectory()
            defer { try? FileManager.default.removeItem(atPath: state) }
            _ = try await killedReshard(cluster, slots: 5000, stateDirectory: state)
            let entry = "\(cluster.addresses[0])"
            let broken = try await RClusterBinary.run(["check", entry])
            #expect(broken.exitCode == 1)
            #expect(broken.stdout.contains("in migrating state"))

            let fixed = try await RClusterBinary.run(["fix", entry, "--yes"])
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            #expect(try await cluster.countKeys() == 30000)
            for index in stride(from: 0, to: 30000, by: 97) {
                #expect(try await cluster.get("key:\(index)") == "value-\(index)")
            }
            // Nothing left to do.
            #expect(try await RClusterBinary.run(["fix", entry, "--yes"]).stdout.contains("nothing to fix"))
        }
    }

    @Test func reshardKilledWithSIGKILLIsResumedFromItsJournal() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            let state = scratchStateDirectory()
            defer { try? FileManager.default.removeItem(atPath: state) }
            let environment = ["RCLUSTER_STATE_DIR": state]
            let masters = try await killedReshard(cluster, slots: 3000, stateDirectory: state)
            let entry = "\(cluster.addresses[0])"
            let journal = state + "/reshard-\(masters[1].id).json"
            #expect(FileManager.default.fileExists(atPath: journal))

            let resumed = try await RClusterBinary.run(["reshard", entry, "--resume", "--yes"], environment: environment)
            #expect(resumed.exitCode == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(resumed.stdout.contains(">>> Resuming the reshard of 3000 slots"))
            #expect(resumed.stdout.contains(">>> Repairing"))
            #expect(!FileManager.default.fileExists(atPath: journal))
            let after = try await cluster.masters()
            // Exactly the 3000 slots asked for reached the target, whatever the kill interrupted.
            #expect(after.first { $0.id == masters[1].id }!.slots.reduce(0) { $0 + $1.count } == masters[1].slots.reduce(0) { $0 + $1.count } + 3000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            #expect(try await cluster.countKeys() == 30000)
            let again = try await RClusterBinary.run(["reshard", entry, "--resume", "--yes"], environment: environment)
            #expect(again.exitCode == 1 && again.stderr.contains("nothing to resume"))
        }
    }

    /// Ctrl-C (SIGINT) once: the windows in flight finish and close, the run
    /// stops saying how to continue, and --resume moves exactly the rest.
    @Test func reshardInterruptedWithCtrlCLeavesNothingOpenAndResumes() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            let state = scratchStateDirectory()
            defer { try? FileManager.default.removeItem(atPath: state) }
            let environment = ["RCLUSTER_STATE_DIR": state]
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 30000)
            let masters = try await cluster.masters()
            let entry = "\(cluster.addresses[0])"
            let stdout = state + ".out", stderr = state + ".err"
            defer { [stdout, stderr].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let reshard = try ChildProcess.spawn(RClusterBinary.path, ["reshard", entry, "--from", masters[0].id, "--to", masters[1].id,
                                                                       "--slots", "5000", "--pipeline", "2", "--yes"],
                                                 environment: environment, stdout: .file(stdout), stderr: .file(stderr)).process
            // Once the first window has moved, Ctrl-C.
            for _ in 0..<3000 where reshard.isRunning {
                if (try? String(contentsOfFile: stdout, encoding: .utf8))?.contains("Moved slots") == true { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            reshard.signal(SIGINT)
            #expect(reshard.waitUntilExit() == 130)
            let said = try String(contentsOfFile: stderr, encoding: .utf8)
            #expect(said.contains("none left open") && said.contains("--resume"), "\(said)")
            #expect(!said.contains("Stopped at once"))
            let check = try await RClusterBinary.run(["check", entry])
            #expect(check.exitCode == 0, "\(check.stdout)")
            let moved = try await cluster.masters().first { $0.id == masters[1].id }!.slots.reduce(0) { $0 + $1.count }
                - masters[1].slots.reduce(0) { $0 + $1.count }
            #expect(moved > 0 && moved < 5000, "moved \(moved)")

            let resumed = try await RClusterBinary.run(["reshard", entry, "--resume", "--yes"], environment: environment)
            #expect(resumed.exitCode == 0, "\(resumed.stdout)\(resumed.stderr)")
            let after = try await cluster.masters()
            #expect(after.first { $0.id == masters[1].id }!.slots.reduce(0) { $0 + $1.count } == masters[1].slots.reduce(0) { $0 + $1.count } + 5000)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            #expect(try await cluster.countKeys() == 30000)
        }
    }

    /// What a failed create leaves (a master with its slots that met nobody)
    /// is not a cluster with lost slots: fix refuses and changes nothing.
    @Test(arguments: TestServer.matrixAndEngine) func aNodeThatKnowsNoOtherIsNotShapedIntoACluster(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(1, server: server) { cluster in
            try await cluster.command(cluster.nodes[0], ["CLUSTER", "ADDSLOTS"] + (0..<100).map { "\($0)" })
            let fixed = try await RClusterBinary.run(["fix", "\(cluster.addresses[0])", "--yes"])
            #expect(fixed.exitCode == 1)
            #expect(fixed.stderr.contains("\(cluster.addresses[0]) knows no other node: it is one node alone (it serves 100 slot(s)), not a cluster, so fix will not give it the 16284 slot(s) nobody serves."), "\(fixed.stderr)")
            #expect(fixed.stderr.contains("CLUSTER RESET HARD"))
            #expect(try await cluster.command(cluster.nodes[0], ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:100"))
        }
    }

    @Test(arguments: TestServer.matrixAndEngine) func handMadeMessIsRepairedAndCheckPasses(server: TestServer) async throws {
        try await RedisTestCluster.withNodes(3, server: server) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let masters = try await cluster.masters()
            let (a, b, c) = (masters[0], masters[1], masters[2])
            let entry = "\(cluster.addresses[0])"
            // 1. Migrating without importing (slot 10 of a, towards b).
            try await cluster.command(a.node, ["CLUSTER", "SETSLOT", "10", "MIGRATING", b.id])
            // 2. Importing only (c imports slot 20 from a).
            try await cluster.command(c.node, ["CLUSTER", "SETSLOT", "20", "IMPORTING", a.id])
            // 3. A key in a slot owned elsewhere (slot 30 is a's; the key sits on b).
            let stray = keyNames(inSlot: 30, prefix: "stray")[0]
            try await cluster.plant(key: stray, value: "lost?", slot: 30, on: b.node, ownerID: a.id)
            // 4. An uncovered slot with keys on two nodes (slot 40: one key on a, two on c).
            let names = keyNames(inSlot: 40, count: 3, prefix: "orphan")
            try await cluster.command(a.node, ["SET", names[0], "0"])
            try await cluster.plant(key: names[1], value: "1", slot: 40, on: c.node, ownerID: a.id)
            try await cluster.plant(key: names[2], value: "2", slot: 40, on: c.node, ownerID: a.id)
            try await cluster.uncoverSlot(40)
            #expect(try await RClusterBinary.run(["check", entry]).exitCode == 1)

            let fixed = try await RClusterBinary.run(["fix", entry, "--yes"])
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(fixed.stdout.contains("slot 40: owned by no one; give it to \(c.node.address)"))
            #expect(try await RClusterBinary.run(["check", entry]).exitCode == 0)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            #expect(try await cluster.get(stray) == "lost?")
            for (index, name) in names.enumerated() { #expect(try await cluster.get(name) == "\(index)") }
        }
    }

    /// Two masters that forgot each other (CLUSTER FORGET sent to one node
    /// each) both claim slot 100 and hold keys in it; Redis would settle it by
    /// deleting the loser's keys as soon as they meet again.
    @Test func slotClaimedByTwoMastersIsSettledWithEveryKeyKept() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            let masters = try await cluster.masters()
            let (a, b, c) = (masters[0], masters[1], masters[2])
            let names = keyNames(inSlot: 100, count: 5, prefix: "twice")
            for name in names.prefix(2) { try await cluster.command(a.node, ["SET", name, "from-a"]) }
            // b serves its slots without a's, which it no longer knows.
            try await cluster.command(b.node, ["CONFIG", "SET", "cluster-require-full-coverage", "no"])
            try await cluster.command(a.node, ["CLUSTER", "FORGET", b.id])
            try await cluster.command(b.node, ["CLUSTER", "FORGET", a.id])
            try await cluster.command(b.node, ["CLUSTER", "ADDSLOTS", "100"])
            for name in names.suffix(3) { try await cluster.command(b.node, ["SET", name, "from-b"]) }
            let entry = "\(c.node.address)"
            let check = try await RClusterBinary.run(["check", entry, "--search-multiple-owners"])
            #expect(check.exitCode == 1 && check.stdout.contains("slot 100 has 2 owners"), "\(check.stdout)")

            let fixed = try await RClusterBinary.run(["fix", entry, "--search-multiple-owners", "--yes"])
            #expect(fixed.exitCode == 0, "\(fixed.stdout)\(fixed.stderr)")
            #expect(fixed.stdout.contains("slot 100: claimed by \(b.node.address) and \(a.node.address); \(b.node.address) keeps it"), "\(fixed.stdout)")
            #expect(fixed.stdout.contains("\(a.node.address) does not list \(b.node.address)"))
            #expect(try await RClusterBinary.run(["check", entry]).exitCode == 0)
            #expect(try await RClusterBinary.reference(["check", entry]).exitCode == 0)
            for name in names.prefix(2) { #expect(try await cluster.get(name) == "from-a") }
            for name in names.suffix(3) { #expect(try await cluster.get(name) == "from-b") }
        }
    }

    /// A master lost for good (no replica): with --fix-with-unreachable-masters
    /// its slots are shared out to the others in contiguous blocks, the
    /// cluster serves again, and the others' keys are untouched.
    @Test func lostMasterSlotsAreSharedOutWhenTold() async throws {
        try await RedisTestCluster.withNodes(3, nodeTimeoutMilliseconds: 1000) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.fill(keys: 3000)
            let masters = try await cluster.masters()
            let survivors = masters.prefix(2)
            let kept = try await survivors.asyncReduce(0) { $0 + (Int(try await cluster.command($1.node, ["DBSIZE"])) ?? 0) }
            masters[2].node.kill()
            for _ in 0..<200 where try await !cluster.command(masters[0].node, ["CLUSTER", "INFO"]).contains("cluster_state:fail") {
                try await Task.sleep(for: .milliseconds(50))
            }
            let entry = "\(masters[0].node.address)"
            let fixed = try await RClusterBinary.run(["fix", entry, "--fix-with-unreachable-masters", "--yes"])
            #expect(fixed.stdout.contains("slots 10923-13653: owned by no one reachable; give them (2731) to \(masters[0].node.address)"), "\(fixed.stdout)")
            #expect(fixed.stdout.contains("slots 13654-16383: owned by no one reachable; give them (2730) to \(masters[1].node.address)"), "\(fixed.stdout)")
            #expect(fixed.stdout.contains("[OK] 5461 slot(s) repaired."))
            // What is left is the lost node itself, which check names.
            #expect(fixed.stdout.contains("remove it with rcluster del-node"), "\(fixed.stdout)")
            for survivor in survivors {
                #expect(try await cluster.command(survivor.node, ["CLUSTER", "INFO"]).contains("cluster_state:ok"))
                #expect(try await cluster.command(survivor.node, ["CLUSTER", "INFO"]).contains("cluster_slots_assigned:16384"))
            }
            let after = try await survivors.asyncReduce(0) { $0 + (Int(try await cluster.command($1.node, ["DBSIZE"])) ?? 0) }
            #expect(after == kept)
        }
    }

    @Test func refusesWithAnUnreachableMasterUnlessTold() async throws {
        try await RedisTestCluster.withNodes(3) { cluster in
            #expect(try await RClusterBinary.run(["create"] + cluster.addresses.map(\.description) + ["--yes"]).exitCode == 0)
            try await cluster.masters()[2].node.kill()
            let refused = try await RClusterBinary.run(["fix", "\(cluster.addresses[0])", "--yes"])
            #expect(refused.exitCode == 1)
            #expect(refused.stderr.contains("--fix-with-unreachable-masters"))
        }
    }
}

extension Sequence {
    func asyncReduce<Result>(_ initial: Result, _ next: (Result, Element) async throws -> Result) async rethrows -> Result {
        var result = initial
        for element in self { result = try await next(result, element) }
        return result
    }
}
