import Foundation
import Testing
import TestSupport

/// `rcluster deploy/status/destroy` end to end on the netns testbed: real
/// sshd, real dockerd per host, the seed's layout (3 hosts x 2 nodes).
@Suite(.serialized) struct DeployCommandTests {
    /// CLUSTER NODES from one node as (address, role, master id, id) rows.
    private func clusterNodes(_ inventory: DeployTestInventory, _ host: String, _ port: Int) async throws -> [(ip: String, port: Int, master: Bool, masterID: String, id: String)] {
        let text = try await inventory.redisCLI(host, port, ["cluster", "nodes"]).stdout
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: " ").map(String.init)
            let address = f[1].split(separator: "@")[0]
            let colon = address.lastIndex(of: ":")!
            return (String(address[..<colon]), Int(address[address.index(after: colon)...])!, f[2].contains("master"), f[3], f[0])
        }
    }

    private func expectHealthyPerfectCluster(_ inventory: DeployTestInventory, _ entry: DeployTestInventory.Host) async throws {
        let check = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(entry.address):\(entry.ports[0])"], environment: ["REDISCLI_AUTH": try inventory.password()])
        #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("[OK] All 16384 slots covered."))
        let nodes = try await clusterNodes(inventory, entry.address, entry.ports[0])
        #expect(nodes.count == 6)
        let masters = nodes.filter(\.master)
        #expect(Set(masters.map(\.ip)).count == 3, "masters on \(masters.map(\.ip))")
        for replica in nodes where !replica.master {
            let master = nodes.first { $0.id == replica.masterID }
            #expect(master != nil && master?.ip != replica.ip, "replica \(replica.ip):\(replica.port) shares its master's host")
        }
    }

    private func keyCount(_ inventory: DeployTestInventory, _ hosts: [DeployTestInventory.Host]) async throws -> Int {
        var total = 0
        let nodes = try await clusterNodes(inventory, hosts[0].address, hosts[0].ports[0])
        for master in nodes where master.master {
            total += Int(try await inventory.redisCLI(master.ip, master.port, ["dbsize"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        return total
    }

    @Test func deploysTheSeedLayoutReRunsIdleRestartsOnlyChangedNodesRestoresAStoppedOneAndGrows() async throws {
        try await DeployTestInventory.with { inventory, testbed in
        var hosts = inventory.seedHosts()
        try inventory.write(hosts)

        // 1. First deploy: 6 containers, a cluster the reference calls OK, one master per host.
        let first = try await inventory.rcluster("deploy", ["--yes"])
        #expect(first.exitCode == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("Generated the cluster password"))
        let mode = try FileManager.default.attributesOfItem(atPath: inventory.secretsPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        for index in 0..<3 {
            let running = try await testbed.docker(index, ["ps", "--filter", "label=io.rcluster.cluster=\(inventory.clusterName)", "--format", "{{.Names}}"])
            #expect(running.stdout.split(separator: "\n").sorted() == hosts[index].ports.map { "redis-\($0)" }.sorted())
        }
        try await expectHealthyPerfectCluster(inventory, hosts[0])
        // The password is on: without it the node refuses.
        let anonymous = try await ProcessRunner.run("redis-cli", ["-h", hosts[0].address, "-p", "7000", "get", "x"])
        #expect(anonymous.stdout.contains("NOAUTH"))

        // 2. Unchanged inventory: no changes, nothing restarted.
        let before = try await inventory.startTimes(hosts)
        let idle = try await inventory.rcluster("deploy", ["--yes"])
        #expect(idle.exitCode == 0, "\(idle.stderr)")
        #expect(idle.stdout.contains("[OK] No changes"))
        #expect(try await inventory.startTimes(hosts) == before)

        // 3. Keys in, one directive changed on h1: only h1's nodes restart, one at a time; no key lost.
        let commands = (0..<300).map { "SET key:\($0) value-\($0)" }.joined(separator: "\n") + "\n"
        _ = try await inventory.redisCLI(hosts[0].address, 7000, ["-c"], stdin: commands)
        #expect(try await keyCount(inventory, hosts) == 300)
        hosts[0].config = ["maxmemory-policy": "allkeys-lru"]
        try inventory.write(hosts)
        let changed = try await inventory.rcluster("deploy", ["--yes", "--diff"])
        #expect(changed.exitCode == 0, "\(changed.stdout)\n\(changed.stderr)")
        #expect(changed.stdout.contains("+ maxmemory-policy allkeys-lru"))
        let restarts = changed.stdout.split(separator: "\n").filter { $0.hasPrefix(">>> Restarting") }
        #expect(restarts.count == 2 && restarts.allSatisfy { $0.contains(hosts[0].address) }, "\(restarts)")
        let after = try await inventory.startTimes(hosts)
        for (name, time) in before {
            if name.hasPrefix("h1/") { #expect(after[name] != time, "\(name) was not restarted") } else { #expect(after[name] == time, "\(name) was restarted") }
        }
        #expect(try await inventory.redisCLI(hosts[0].address, 7000, ["config", "get", "maxmemory-policy"]).stdout.contains("allkeys-lru"))
        #expect(try await keyCount(inventory, hosts) == 300)
        try await expectHealthyPerfectCluster(inventory, hosts[1])

        // 4. A master's container stopped by hand: its replica takes over; deploy starts it and it rejoins as a replica.
        let nodes = try await clusterNodes(inventory, hosts[0].address, 7000)
        let victim = try #require(nodes.first { $0.master && $0.ip == hosts[1].address })
        _ = try await testbed.docker(1, ["stop", "redis-\(victim.port)"])
        // Wait until the others marked it failed and its replica took its slots.
        var failedOver = false
        for _ in 0..<300 where !failedOver {  // up to a minute: CI runs this beside the whole suite
            try await Task.sleep(for: .milliseconds(200))
            let view = try await inventory.redisCLI(hosts[0].address, 7000, ["cluster", "nodes"]).stdout
            let state = try await inventory.redisCLI(hosts[0].address, 7000, ["cluster", "info"]).stdout
            failedOver = view.split(separator: "\n").contains { $0.hasPrefix(victim.id) && $0.contains("master,fail ") } && state.contains("cluster_state:ok")
        }
        #expect(failedOver, "the replica of the stopped master did not take over")
        let restored = try await inventory.rcluster("deploy", ["--yes"])
        #expect(restored.exitCode == 0, "\(restored.stdout)\n\(restored.stderr)")
        #expect(restored.stdout.contains("start stopped container redis-\(victim.port)"))
        let role = try await inventory.redisCLI(victim.ip, victim.port, ["role"]).stdout
        #expect(role.hasPrefix("slave"), "\(role)")
        #expect(try await keyCount(inventory, hosts) == 300)

        // 5. A port added to h1 in the inventory: deploy runs it and it joins as a replica of a master on another host.
        hosts[0].ports.append(7006)
        try inventory.write(hosts)
        let grown = try await inventory.rcluster("deploy", ["--yes"])
        #expect(grown.exitCode == 0, "\(grown.stdout)\n\(grown.stderr)")
        let joinedLine = grown.stdout.split(separator: "\n").first { $0.contains("\(hosts[0].address):7006 joined as a replica of") }
        #expect(joinedLine != nil && joinedLine?.contains("of \(hosts[0].address):") == false, "\(grown.stdout)")
        let grownView = try await clusterNodes(inventory, hosts[0].address, 7006)
        #expect(grownView.count == 7)
        let reference = try await ProcessRunner.run("redis-cli", ["--cluster", "check", "\(hosts[1].address):\(hosts[1].ports[0])"],
                                                    environment: ["REDISCLI_AUTH": try inventory.password()])
        #expect(reference.exitCode == 0, "\(reference.stdout)")

        // 6. status agrees; destroy removes containers and, asked to, data.
        let status = try await inventory.rcluster("status", ["--json"])
        #expect(status.exitCode == 0, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("\"healthy\" : true"))
        let destroyed = try await inventory.rcluster("destroy", ["--purge-data", "--yes"])
        #expect(destroyed.exitCode == 0, "\(destroyed.stderr)")
        for index in 0..<3 {
            let left = try await testbed.docker(index, ["ps", "-a", "--filter", "label=io.rcluster.cluster=\(inventory.clusterName)", "-q"])
            #expect(left.stdout.isEmpty)
        }
        #expect(!FileManager.default.fileExists(atPath: inventory.folder.path + "/data-h1/7000"))
        }
    }

    /// The seed's own procedure ran redis:6.0.8: the same deploy with a
    /// Redis 6.2 image gives the seed's cluster.
    @Test func deploysTheSeedLayoutWithARedis62Image() async throws {
        try await DeployTestInventory.with { inventory, testbed in
            let image = try #require(testbed.images.first { $0.hasSuffix(":6.2.14") }, "images: \(testbed.images)")
            // 7200+: the refusal tests use 7100+ on the same hosts, at the same time.
            let hosts = inventory.seedHosts(base: 7200)
            try inventory.write(hosts, image: image)
            let deployed = try await inventory.rcluster("deploy", ["--yes"])
            #expect(deployed.exitCode == 0, "\(deployed.stdout)\n\(deployed.stderr)")
            try await expectHealthyPerfectCluster(inventory, hosts[0])
            for host in hosts {
                for port in host.ports {
                    #expect(try await inventory.redisCLI(host.address, port, ["info", "server"]).stdout.contains("redis_version:6.2.14"))
                }
            }
            let status = try await inventory.rcluster("status", ["--json"])
            #expect(status.stdout.contains("\"healthy\" : true"), "\(status.stdout)\(status.stderr)")
        }
    }
}
