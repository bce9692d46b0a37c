import ArgumentParser
import Foundation
import Provisioning

/// The inventory and how to reach its hosts: shared by deploy, status and destroy.
struct InventoryOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .customLong("inventory")], help: "The inventory file (rcluster YAML or an Ansible YAML inventory).")
    var inventory: String

    @Option(help: "Only these hosts (inventory name or address); repeatable.")
    var limit: [String] = []

    @Option(help: "How many hosts to work on at once.")
    var forks = 10

    @Option(help: "OpenSSH known_hosts file that host keys are checked against.")
    var knownHosts = HostKeyPolicy.userDefault().knownHostsPath

    @Flag(help: "Trust and record the key of a host not yet in known_hosts (OpenSSH's accept-new); a changed key is still refused.")
    var acceptNewHostKeys = false

    @Option(help: "Seconds to wait for an SSH connection (TCP, key exchange, login).")
    var sshTimeout: Double = 10

    func validate() throws {
        guard forks >= 1 else { throw ValidationError("--forks must be 1 or more") }
        guard sshTimeout > 0 else { throw ValidationError("--ssh-timeout must be positive seconds") }
    }

    var hostKeys: HostKeyPolicy { HostKeyPolicy(knownHostsPath: knownHosts, acceptNew: acceptNewHostKeys) }
    var timeouts: SSHTimeouts { SSHTimeouts(connect: .milliseconds(Int64(sshTimeout * 1000)), command: .seconds(300)) }

    /// Reads the inventory; problems are printed with file:line and end the command.
    func load(terminal: Terminal) throws -> Inventory {
        var inventory: Inventory
        do {
            inventory = try InventoryLoader.load(path: self.inventory)
        } catch {
            error.issues.forEach { terminal.warn("[ERR] \($0)") }
            throw ExitCode.failure
        }
        if !limit.isEmpty {
            for name in limit where inventory.host(named: name) == nil {
                terminal.warn("[ERR] --limit \(name): no such host in \(self.inventory) (hosts: \(inventory.hosts.map(\.name).joined(separator: ", ")))")
                throw ExitCode.failure
            }
            inventory.hosts = inventory.hosts.filter { host in limit.contains { $0 == host.name || $0 == host.address } }
        }
        return inventory
    }

    /// Asks for a key's passphrase on the terminal, when there is one.
    func passphrasePrompt(terminal: Terminal) -> (@Sendable (String) -> String?)? {
        guard terminal.isInteractive else { return nil }
        return { path in
            PassphraseCache.shared.passphrase(for: path) { Terminal().readSecret(prompt: "Passphrase for \(path): ") }
        }
    }
}

/// Hosts connect in parallel: ask once per key, not once per host.
final class PassphraseCache: @unchecked Sendable {
    static let shared = PassphraseCache()
    private let lock = NSLock()
    private var known: [String: String] = [:]

    func passphrase(for path: String, ask: () -> String?) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let value = known[path] { return value }
        let value = ask()
        known[path] = value
        return value
    }
}
