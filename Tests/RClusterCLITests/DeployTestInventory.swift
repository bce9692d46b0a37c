import Foundation
import TestSupport

/// An inventory file for the testbed, in a fresh folder with its own cluster
/// name, data roots and secrets file, so tests never see each other's state.
struct DeployTestInventory {
    let folder: URL
    let clusterName: String
    let testbed: Testbed
    var path: String { folder.appendingPathComponent("\(clusterName).yml").path }
    var secretsPath: String { folder.appendingPathComponent("\(clusterName).secrets.yml").path }

    struct Host {
        var address: String
        var ports: [Int]
        var config: [String: String] = [:]
        var extra = ""
    }

    init(testbed: Testbed) throws {
        self.testbed = testbed
        clusterName = "t" + UUID().uuidString.prefix(8).lowercased()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-deploy-\(clusterName)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// The seed's layout on the testbed's three hosts: 7000+7003, 7001+7004, 7002+7005.
    func seedHosts(base: Int = 7000) -> [Host] {
        testbed.hosts.prefix(3).enumerated().map { index, address in Host(address: address, ports: [base + index, base + index + 3]) }
    }

    func write(_ hosts: [Host], replicas: Int = 1, image: String? = nil) throws {
        var text = """
            cluster:
              name: \(clusterName)
              replicas: \(replicas)
            defaults:
              ssh: {user: root, key: \(testbed.key)}
              image: \(image ?? testbed.image)
              pull: never
              memory: 256m
              config:
                cluster-node-timeout: 2000
                appendonly: "yes"
            hosts:

            """
        for (index, host) in hosts.enumerated() {
            text += "  - name: h\(index + 1)\n    address: \(host.address)\n    ports: [\(host.ports.map(String.init).joined(separator: ", "))]\n"
            text += "    data_root: \(folder.path)/data-h\(index + 1)\n"
            if !host.config.isEmpty {
                text += "    config: {\(host.config.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}\n"
            }
            text += host.extra
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func password() throws -> String {
        let text = try String(contentsOfFile: secretsPath, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("password:") } ?? ""
        return line.dropFirst("password:".count).trimmingCharacters(in: .whitespaces)
    }

    func rcluster(_ command: String, _ extra: [String] = [], knownHosts: String? = nil) async throws -> ProcessResult {
        try await RClusterBinary.run([command, "-i", path, "--known-hosts", knownHosts ?? testbed.knownHosts] + extra)
    }

    func redisCLI(_ address: String, _ port: Int, _ arguments: [String], stdin: String? = nil) async throws -> ProcessResult {
        try await ProcessRunner.run("redis-cli", ["-h", address, "-p", "\(port)"] + arguments,
                                    environment: ["REDISCLI_AUTH": try password()], stdin: stdin)
    }

    /// Container start times per host index and name, to tell what was restarted.
    func startTimes(_ hosts: [Host]) async throws -> [String: String] {
        var times: [String: String] = [:]
        for (index, host) in hosts.enumerated() {
            let names = host.ports.map { "redis-\($0)" }
            let result = try await testbed.docker(index, ["inspect", "-f", "{{.Name}} {{.State.StartedAt}}"] + names)
            for line in result.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 2 { times["h\(index + 1)\(parts[0])"] = String(parts[1]) }
            }
        }
        return times
    }

    /// Runs a test body with a fresh inventory and removes what it made,
    /// whatever happened (awaited: a detached cleanup would die with the process).
    static func with(_ body: (inout DeployTestInventory, Testbed) async throws -> Void) async throws {
        let testbed = try await Testbed.up()
        var inventory = try DeployTestInventory(testbed: testbed)
        do {
            try await body(&inventory, testbed)
        } catch {
            await inventory.cleanUp()
            throw error
        }
        await inventory.cleanUp()
    }

    /// Removes what the test made, whatever happened.
    func cleanUp() async {
        _ = try? await rcluster("destroy", ["--purge-data", "--yes"])
        try? FileManager.default.removeItem(at: folder)
    }
}
