import Foundation
import Testing
import TestSupport

/// Deploy's refusals on the testbed: each names the host (or file:line),
/// exits non-zero, and leaves no container behind on the healthy hosts.
@Suite(.serialized) struct DeployRefusalTests {
    private func expectNothingCreated(_ inventory: DeployTestInventory, _ testbed: Testbed) async throws {
        for index in 0..<3 {
            let left = try await testbed.docker(index, ["ps", "-a", "--filter", "label=io.rcluster.cluster=\(inventory.clusterName)", "-q"])
            #expect(left.stdout.isEmpty, "host \(index + 1) has containers after a refused deploy")
        }
    }

    @Test func aChangedHostKeyIsRefusedBeforeAnythingChanges() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            try inventory.write(inventory.seedHosts(base: 7100))
            // known_hosts where h1's entry is some other key.
            let knownHosts = inventory.folder.appendingPathComponent("known_hosts").path
            try FileManager.default.copyItem(atPath: testbed.knownHosts, toPath: knownHosts)
            _ = try await ProcessRunner.run("ssh-keygen", ["-R", testbed.hosts[0], "-f", knownHosts])
            let otherKey = try String(contentsOfFile: testbed.key + ".pub", encoding: .utf8).split(separator: " ")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: knownHosts))
            handle.seekToEndOfFile()
            handle.write(Data("\(testbed.hosts[0]) \(otherKey[0]) \(otherKey[1])\n".utf8))
            try handle.close()
            let result = try await inventory.rcluster("deploy", ["--yes"], knownHosts: knownHosts)
            #expect(result.exitCode != 0)
            #expect(result.stderr.contains("host h1: root@\(testbed.hosts[0]): HOST KEY MISMATCH"), "\(result.stderr)")
            #expect(result.stdout.contains("h1 (\(testbed.hosts[0]))  unreachable: host key mismatch"), "\(result.stdout)")
            #expect(result.stderr.contains("deploy stopped before changing anything"))
            try await expectNothingCreated(inventory, testbed)
        }
    }

    @Test func anUnknownHostKeyNeedsAcceptNewWhichRecordsIt() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            try inventory.write(inventory.seedHosts(base: 7100))
            let knownHosts = inventory.folder.appendingPathComponent("empty_known_hosts").path
            let refused = try await inventory.rcluster("deploy", ["--dry-run"], knownHosts: knownHosts)
            #expect(refused.exitCode != 0)
            #expect(refused.stderr.contains("is not in \(knownHosts)") && refused.stderr.contains("--accept-new-host-keys"), "\(refused.stderr)")
            let accepted = try await inventory.rcluster("deploy", ["--dry-run", "--accept-new-host-keys"], knownHosts: knownHosts)
            #expect(accepted.exitCode == 0, "\(accepted.stderr)")
            let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8).split(separator: "\n")
            #expect(recorded.count == 3 && recorded.allSatisfy { $0.contains("ssh-ed25519") })
        }
    }

    @Test func anUnreachableHostAndAHostWithoutDockerAreNamed() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            var hosts = inventory.seedHosts(base: 7100)
            hosts[1].address = testbed.dockerless
            hosts[2].address = "10.213.77.250"  // in the testbed's subnet, no host there
            try inventory.write(hosts)
            let result = try await inventory.rcluster("deploy", ["--yes", "--ssh-timeout", "2"])
            #expect(result.exitCode != 0)
            #expect(result.stdout.contains("[ERR] Docker is not installed on h2 (\(testbed.dockerless))"), "\(result.stdout)")
            let recap = result.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(recap.contains { $0.hasPrefix("h3 (10.213.77.250) unreachable") }, "\(result.stdout)")
            #expect(recap.contains("h1 (\(testbed.hosts[0])) ok"))
            #expect(result.stderr.contains("host h3: root@10.213.77.250"), "\(result.stderr)")
            try await expectNothingCreated(inventory, testbed)
        }
    }

    @Test func aPortTakenOnAHostIsNamedWithItsProcess() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            try inventory.write(inventory.seedHosts(base: 7100))
            // Another program on a port of the inventory: a plain redis-server container of the host's own.
            let squatter = "squatter-\(inventory.clusterName)"
            let started = try await testbed.docker(0, ["run", "-d", "--net", "host", "--name", squatter, testbed.image,
                                                       "redis-server", "--port", "7100", "--bind", testbed.hosts[0], "--save", ""])
            #expect(started.exitCode == 0, "\(started.stderr)")
            defer { Task { _ = try? await testbed.docker(0, ["rm", "-f", squatter]) } }
            // Listening before the deploy looks (a container can take a while to start under load).
            for _ in 0..<100 {
                let ping = try await testbed.docker(0, ["exec", squatter, "redis-cli", "-h", testbed.hosts[0], "-p", "7100", "PING"])
                if ping.stdout.contains("PONG") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let result = try await inventory.rcluster("deploy", ["--yes"])
            #expect(result.exitCode != 0)
            #expect(result.stdout.contains("port 7100 on h1 is in use by redis-server"), "\(result.stdout)")
            try await expectNothingCreated(inventory, testbed)
            _ = try await testbed.docker(0, ["rm", "-f", squatter])
        }
    }

    @Test func anEncryptedKeyIsAskedForOnceOnATerminalAndRefusedWithoutOne() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            try inventory.write(inventory.seedHosts(base: 7100))
            let text = try String(contentsOfFile: inventory.path, encoding: .utf8)
                .replacingOccurrences(of: "key: \(testbed.key)}", with: "key: \(testbed.key)_pass}")
            try text.write(toFile: inventory.path, atomically: true, encoding: .utf8)
            let noTerminal = try await inventory.rcluster("deploy", ["--dry-run"])
            #expect(noTerminal.exitCode != 0)
            #expect(noTerminal.stderr.contains("is protected by a passphrase and there is no terminal"), "\(noTerminal.stderr)")
            // On a terminal (script(1) gives it one), one prompt serves all three hosts. getpass
            // discards typed-ahead input, so the answer comes once the prompt is surely up.
            let command = "\(RClusterBinary.path) deploy -i \(inventory.path) --known-hosts \(testbed.knownHosts) --dry-run"
            let onTerminal = try await ProcessRunner.run("sh", ["-c", "(sleep 3; printf 'testbed-pass\\n') | script -qec '\(command)' /dev/null"])
            #expect(onTerminal.exitCode == 0, "\(onTerminal.stdout)")
            #expect(onTerminal.stdout.components(separatedBy: "Passphrase for").count == 2, "\(onTerminal.stdout)")
            #expect(onTerminal.stdout.contains("--dry-run: nothing was changed."))
        }
    }

    @Test func anInventoryTypoNamesFileLineAndFix() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            try inventory.write(inventory.seedHosts(base: 7100))
            let text = try String(contentsOfFile: inventory.path, encoding: .utf8).replacingOccurrences(of: "    ports: [7101", with: "    prots: [7101")
            try text.write(toFile: inventory.path, atomically: true, encoding: .utf8)
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("prots:") }! + 1
            let result = try await inventory.rcluster("deploy", ["--yes"])
            #expect(result.exitCode != 0)
            #expect(result.stderr.contains("\(inventory.path):\(line):5: hosts[1].prots: unknown key 'prots'; did you mean 'ports'?"), "\(result.stderr)")
        }
    }
}
