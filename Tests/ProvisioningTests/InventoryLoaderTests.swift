import Foundation
import Testing
import TestSupport
@testable import Provisioning

@Suite struct InventoryLoaderTests {
    private var inventoryFolder: String { Fixtures.repositoryRoot + "/Inventory" }

    @Test func readsTheSeedLayout() throws {
        let inventory = try InventoryLoader.load(path: inventoryFolder + "/seed.yml")
        #expect(inventory.clusterName == "seed")
        #expect(inventory.replicas == 1)
        #expect(inventory.hosts.map(\.address) == ["192.168.2.11", "192.168.2.12", "192.168.2.13"])
        #expect(inventory.hosts.map(\.ports) == [[7000, 7003], [7001, 7004], [7002, 7005]])
        let host = inventory.hosts[0]
        #expect(host.container == ContainerSpec(image: "redis:7.0.15", pull: .missing, dataRoot: "/var/lib/redis", cpus: "1",
                                                memory: "2g", memorySwap: "0", restart: "always", network: "host"))
        #expect(host.config == [RedisDirective(name: "cluster-node-timeout", value: "5000"), RedisDirective(name: "appendonly", value: "yes")])
        #expect(host.ssh.user == "root" && host.ssh.port == 22)
        #expect(host.ssh.keyPath?.hasSuffix("/.ssh/id_ed25519") == true)
        #expect(inventory.auth == .password(secretsFile: inventoryFolder + "/seed.secrets.yml"))
    }

    @Test func anAnsibleInventoryGivesTheSameHosts() throws {
        let native = try InventoryLoader.load(path: inventoryFolder + "/seed.yml")
        let ansible = try InventoryLoader.load(path: inventoryFolder + "/seed-ansible.yml")
        #expect(ansible.hosts.map(\.name) == ["server1", "server2", "server3"])  // web1 has no rcluster_ports
        #expect(ansible.hosts.map(\.address) == native.hosts.map(\.address))
        #expect(ansible.hosts.map(\.ports) == native.hosts.map(\.ports))
        #expect(ansible.hosts.map(\.ssh) == native.hosts.map(\.ssh))
        #expect(ansible.hosts.map(\.container) == native.hosts.map(\.container))
        #expect(ansible.hosts.map(\.config) == native.hosts.map(\.config))
        #expect(ansible.replicas == 1 && ansible.clusterName == "seed" && ansible.auth == native.auth)
    }

    @Test func theTestbedExampleIsValid() throws {
        let inventory = try InventoryLoader.load(path: inventoryFolder + "/testbed.yml")
        #expect(inventory.nodeCount == 6)
        #expect(Set(inventory.hosts.map(\.container.dataRoot)).count == 3)
    }

    @Test func hostOverridesMergeOverDefaults() throws {
        let inventory = try InventoryLoader.parse("""
            defaults:
              memory: 2g
              ssh: {user: deploy, port: 2222}
              config: {cluster-node-timeout: 5000, maxmemory-policy: allkeys-lru}
            hosts:
              - {address: 10.0.0.1, nodes: 3, base_port: 7000, memory: 4g, config: {cluster-node-timeout: 3000}}
              - {address: 10.0.0.2, ports: "7000-7002", ssh: {user: root}}
            """, path: "/inv/x.yml")
        #expect(inventory.hosts[0].ports == [7000, 7001, 7002])
        #expect(inventory.hosts[0].container.memory == "4g")
        #expect(inventory.hosts[1].container.memory == "2g")
        #expect(inventory.hosts[0].config == [RedisDirective(name: "cluster-node-timeout", value: "3000"), RedisDirective(name: "maxmemory-policy", value: "allkeys-lru")])
        #expect(inventory.hosts[1].ssh == SSHSettings(user: "root", port: 2222, keyPath: nil))
        #expect(inventory.hosts[0].name == "10.0.0.1")
        #expect(inventory.clusterName == "x")
        #expect(inventory.auth == .password(secretsFile: "/inv/x.secrets.yml"))
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let yaml: String
        let expected: String
        var description: String { expected }
    }

    static let badCases: [BadCase] = [
        BadCase(yaml: "hosts:\n  - address: 10.0.0.1\n    prots: [7000]\n", expected: "x.yml:3:5: hosts[0].prots: unknown key 'prots'; did you mean 'ports'?"),
        BadCase(yaml: "hosts:\n  - address: 10.0.0.1\n    ports: [70000]\n", expected: "x.yml:3:13: hosts[0].ports[0]: '70000' is not a port or a port range"),
        BadCase(yaml: "defaults:\n  config:\n    requirepass: x\nhosts: []\n", expected: "x.yml:3:5: defaults.config.requirepass: rcluster sets 'requirepass' itself"),
        BadCase(yaml: "defaults:\n  pull: sometimes\nhosts: []\n", expected: "x.yml:2:9: defaults.pull: unknown pull policy 'sometimes'; use always, missing or never"),
        BadCase(yaml: "defaults:\n  network: bridge\nhosts: []\n", expected: "network mode 'bridge' is not supported"),
        BadCase(yaml: "hosts:\n  - {address: a, ports: [1,2]}\n  - {address: b, ports: [1]}\n", expected: "3 nodes with 1 replica(s) per master make 1 master(s); Redis Cluster needs at least 3"),
        BadCase(yaml: "hosts:\n  - {address: a, ports: [1,2,3]}\n  - {address: a, ports: [4,5,6]}\n", expected: "x.yml:3:5: hosts[1]: address a is listed twice (also line 2)"),
        BadCase(yaml: "hosts:\n  - {address: a}\n", expected: "x.yml:2:5: hosts[0]: host 'a' has no ports"),
        BadCase(yaml: "hosts:\n  - address: a\n   ports: [1]\n", expected: "x.yml:3:"),
        BadCase(yaml: "cluster:\n  replicas: -1\nhosts: []\n", expected: "x.yml:2:13: cluster.replicas: '-1' is not a whole number in 0...5"),
        BadCase(yaml: "defaults:\n  config:\n    save: \"900 1\\n\"\nhosts: []\n", expected: "the value has a line break"),
        BadCase(yaml: "all:\n  hosts:\n    h1: {rcluster_ports: [7000], rcluster_memroy: 2g}\n", expected: "x.yml:3:34: all.hosts.h1.rcluster_memroy: unknown key 'rcluster_memroy'; did you mean 'rcluster_memory'?"),
        BadCase(yaml: "", expected: "x.yml: the file is empty"),
    ]

    @Test(arguments: badCases)
    func badInputNamesFileLineKeyAndFix(_ bad: BadCase) {
        do {
            _ = try InventoryLoader.parse(bad.yaml, path: "x.yml")
            Issue.record("accepted bad inventory: \(bad.yaml)")
        } catch {
            #expect(error.description.contains(bad.expected), "\(error.description)")
        }
    }

    @Test func reportsEveryProblemAtOnce() {
        do {
            _ = try InventoryLoader.parse("defaults:\n  cpus: many\n  memroy: 2g\nhosts:\n  - {address: a}\n", path: "x.yml")
            Issue.record("accepted")
        } catch {
            #expect(error.issues.count == 3, "\(error)")
        }
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: InventoryError.self) { try InventoryLoader.load(path: "/nonexistent/inventory.yml") }
    }
}
