import Provisioning

/// Opens SSH to the inventory's hosts in parallel (bounded by --forks).
struct HostAccess {
    let options: InventoryOptions
    let terminal: Terminal

    func connect(_ hosts: [InventoryHost]) async -> [Result<RemoteHost, ProvisioningError>] {
        let open = opener()
        return await HostFanOut.map(hosts, limit: options.forks) { host in
            await Result(catching: { () async throws(ProvisioningError) in try await open(host) })
        }
    }

    /// Connects and reads each host's state.
    func inspect(_ hosts: [(host: InventoryHost, nodes: [NodeDeployment])]) async -> [Result<(RemoteHost, ObservedHost), ProvisioningError>] {
        let open = opener()
        let work = hosts.map { ($0.host, $0.nodes) }
        return await HostFanOut.map(work, limit: options.forks) { host, nodes in
            await Result(catching: { () async throws(ProvisioningError) in
                let remote = try await open(host)
                let state = await Result(catching: { () async throws(ProvisioningError) in try await remote.inspect(nodes) })
                if case .failure = state { await remote.client.close() }
                return (remote, try state.get())
            })
        }
    }

    /// One host's connection, with the options' host keys, timeouts and passphrase prompt.
    private func opener() -> @Sendable (InventoryHost) async throws(ProvisioningError) -> RemoteHost {
        let hostKeys = options.hostKeys, timeouts = options.timeouts
        let passphrase = options.passphrasePrompt(terminal: terminal)
        return { host throws(ProvisioningError) in
            try await RemoteHost.connect(host, hostKeys: hostKeys, timeouts: timeouts, passphrase: passphrase)
        }
    }
}
