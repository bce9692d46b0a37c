/// A host of the inventory over an open SSH connection: the Docker and file
/// steps of deploy, status and destroy. Every step names the host when it fails.
public struct RemoteHost: Sendable {
    public let host: InventoryHost
    public let client: SSHClient

    public static func connect(_ host: InventoryHost, hostKeys: HostKeyPolicy, timeouts: SSHTimeouts,
                               passphrase: (@Sendable (String) -> String?)?) async throws(ProvisioningError) -> RemoteHost {
        let endpoint = SSHEndpoint(host: host.address, port: host.ssh.port, user: host.ssh.user)
        let credentials = SSHCredentials(privateKeyPath: host.ssh.keyPath, useAgent: true, passphrase: passphrase)
        do {
            let client = try await SSHClient.connect(to: endpoint, credentials: credentials, hostKeys: hostKeys, timeouts: timeouts)
            return RemoteHost(host: host, client: client)
        } catch {
            throw .ssh(host: host.name, error)
        }
    }

    public func inspect(_ nodes: [NodeDeployment]) async throws(ProvisioningError) -> ObservedHost {
        let script = HostInspection.script(for: nodes, image: host.container.image)
        let result = try await run("sh -s", step: "reading the host's state", stdin: Array(script.utf8))
        return HostInspection.parse(result.output)
    }

    /// Applies one action; restarts are `restart(port:)`, driven by the rolling phase.
    public func apply(_ action: DeployAction, nodes: [NodeDeployment]) async throws(ProvisioningError) {
        let node = action.port.flatMap { port in nodes.first { $0.port == port } }
        switch action {
        case .pullImage(let image):
            _ = try await run("docker pull \(ShellQuote.quote(image))", step: "docker pull \(image)", timeout: .seconds(600))
        case .writeConfig:
            guard let node else { return }
            // Written beside, then renamed: a node never reads half a file.
            // umask 077: the file holds the cluster password.
            let directory = ShellQuote.quote(node.dataDirectory)
            let temporary = ShellQuote.quote(node.dataDirectory + "/.redis.conf.rcluster-new")
            _ = try await run("umask 077 && mkdir -p \(directory) && cat > \(temporary) && mv -f \(temporary) \(ShellQuote.quote(node.configPath))",
                              step: "writing \(node.configPath)", stdin: Array(node.config.utf8))
        case .runContainer:
            guard let node else { return }
            try await run(ShellQuote.join(node.runArguments) + " && " + recordApplied(node), step: "docker run \(node.containerName)")
        case .recreateContainer:
            guard let node else { return }
            try await run("docker rm -f \(node.containerName) >/dev/null && \(ShellQuote.join(node.runArguments)) && \(recordApplied(node))",
                          step: "recreating \(node.containerName)")
        case .startContainer:
            guard let node else { return }
            try await run("docker start \(node.containerName) && \(recordApplied(node))", step: "docker start \(node.containerName)")
        case .restartNode:
            guard let node else { return }
            try await restart(node)
        }
    }

    public func restart(_ node: NodeDeployment) async throws(ProvisioningError) {
        try await run("docker restart \(node.containerName) && \(recordApplied(node))", step: "docker restart \(node.containerName)")
    }

    /// Remembers which redis.conf the node now runs (see ObservedHost.appliedConfigs).
    private func recordApplied(_ node: NodeDeployment) -> String {
        "(umask 077 && cp -f \(ShellQuote.quote(node.configPath)) \(ShellQuote.quote(node.appliedConfigPath)))"
    }

    /// The last lines a node's container printed, to explain a node that does not answer.
    public func logs(port: Int, lines: Int = 15) async -> String {
        guard let result = try? await client.run("docker logs --tail \(lines) redis-\(port) 2>&1", timeout: .seconds(20)) else { return "" }
        return result.output
    }

    /// Removes this cluster's containers (found by label, so nothing else is touched)
    /// and, when asked, the nodes' data directories.
    public func destroy(clusterName: String, nodes: [NodeDeployment], purgeData: Bool) async throws(ProvisioningError) -> [String] {
        let filter = ShellQuote.quote("label=\(NodeDeployment.Labels.cluster)=\(clusterName)")
        let listed = try await run("docker ps -a --filter \(filter) --format '{{.Names}}'", step: "listing containers")
        let names = listed.output.split(separator: "\n").map(String.init).sorted()
        if !names.isEmpty {
            _ = try await run("docker rm -f \(names.map(ShellQuote.quote).joined(separator: " ")) >/dev/null", step: "removing containers")
        }
        if purgeData {
            let directories = nodes.map { ShellQuote.quote($0.dataDirectory) }.joined(separator: " ")
            _ = try await run("rm -rf \(directories)", step: "removing data directories")
        }
        return names
    }

    /// Runs a step; a non-zero exit becomes an error with the remote stderr.
    @discardableResult
    public func run(_ command: String, step: String, stdin: [UInt8]? = nil, timeout: Duration? = nil) async throws(ProvisioningError) -> SSHCommandResult {
        let result: SSHCommandResult
        do {
            result = try await client.run(command, stdin: stdin, timeout: timeout)
        } catch {
            throw .ssh(host: host.name, error)
        }
        guard result.succeeded else {
            throw .remote(host: host.name, step: step, exitStatus: result.exitStatus, stderr: result.errorOutput)
        }
        return result
    }
}
