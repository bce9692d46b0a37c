/// One Redis node as the inventory wants it on its host: its directory,
/// its redis.conf and the exact `docker run` that starts it.
public struct NodeDeployment: Sendable, Equatable {
    public var host: InventoryHost
    public var port: Int
    public var clusterName: String
    public var config: String

    public var containerName: String { "redis-\(port)" }
    public var dataDirectory: String { host.container.dataRoot + "/\(port)" }
    public var configPath: String { dataDirectory + "/redis.conf" }
    /// A copy of the redis.conf the node was last started with by deploy.
    public var appliedConfigPath: String { dataDirectory + "/.redis.conf.applied" }

    /// What the container is made from, recorded in a label so a later deploy
    /// can tell whether the running container still matches the inventory.
    public var containerSpec: String {
        let spec = host.container
        var parts = ["image=\(spec.image)", "network=\(spec.network)", "restart=\(spec.restart)", "data=\(dataDirectory)"]
        if let cpus = spec.cpus { parts.append("cpus=\(cpus)") }
        if let memory = spec.memory { parts.append("memory=\(memory)") }
        if let swap = spec.memorySwap { parts.append("memory-swap=\(swap)") }
        return parts.joined(separator: " ")
    }

    /// The seed's `docker run`, minus --privileged (a Redis node needs no
    /// root on the host), plus labels that let deploy find its own containers.
    public var runArguments: [String] {
        let spec = host.container
        var arguments = ["docker", "run", "-d", "--name", containerName,
                         "--label", "\(Labels.cluster)=\(clusterName)",
                         "--label", "\(Labels.port)=\(port)",
                         "--label", "\(Labels.spec)=\(containerSpec)",
                         "--net", spec.network, "--restart", spec.restart]
        if let cpus = spec.cpus { arguments += ["--cpus", cpus] }
        if let memory = spec.memory { arguments += ["--memory", memory] }
        if let swap = spec.memorySwap { arguments += ["--memory-swap", swap] }
        arguments += ["-v", "\(dataDirectory):/data", spec.image, "redis-server", "/data/redis.conf"]
        return arguments
    }

    public enum Labels {
        public static let cluster = "io.rcluster.cluster"
        public static let port = "io.rcluster.port"
        public static let spec = "io.rcluster.spec"
    }
}
